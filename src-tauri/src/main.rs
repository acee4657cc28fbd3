fn main() { tenin_desk::run() }
