# Sourced by the scripts: where builds go. A target directory outside the clone lets repeated
# runs (and CI on the same machine) reuse the build; set CARGO_TARGET_DIR to choose another.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tenin-desk/target}"
export PATH="$HOME/.cargo/bin:$PATH"
