//! A small solver for the batch suggestion: rows (requests) each take at most one unit of a group
//! (a hospital's free beds of one type) with a gain per edge; it places the most rows, then has
//! the largest total gain among such placements.
//!
//! This is min-cost flow by successive shortest paths, one row at a time (like the Hungarian
//! method), with Dijkstra on reduced costs (Johnson potentials). Each row may also stay unplaced
//! at cost 0 while placing costs −(M + gain), with M larger than any total of gains, so more rows
//! placed always wins and the total gain decides among equals. Adding a row keeps the flow optimal
//! for the rows so far, so the result is optimal for all of them. Paths stop at the first free
//! group or at unplacing someone, which keeps the search small when beds are plentiful.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An edge from a row: the group it may take and the gain of taking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Edge {
    pub group: u32,
    pub gain: u32,
}

/// Shortest-path state kept across rows; stamps say which row's search last touched a node, so
/// nothing is reset between rows.
struct Search {
    dist: Vec<i64>,
    prev: Vec<usize>,
    seen_in: Vec<usize>,
    settled_in: Vec<usize>,
    heap: BinaryHeap<Reverse<(i64, usize)>>,
    settled: Vec<usize>,
}

impl Search {
    fn new(nodes: usize) -> Search {
        Search {
            dist: vec![i64::MAX; nodes],
            prev: vec![usize::MAX; nodes],
            seen_in: vec![usize::MAX; nodes],
            settled_in: vec![usize::MAX; nodes],
            heap: BinaryHeap::new(),
            settled: Vec::new(),
        }
    }

    fn start(&mut self, row: usize) {
        self.heap.clear();
        self.settled.clear();
        self.relax(row, usize::MAX, row, 0);
    }

    fn relax(&mut self, row: usize, from: usize, to: usize, d: i64) {
        if self.seen_in[to] != row || d < self.dist[to] {
            self.seen_in[to] = row;
            self.dist[to] = d;
            self.prev[to] = from;
            self.heap.push(Reverse((d, to)));
        }
    }

    /// The next node to settle, or `None` when the heap is empty.
    fn next(&mut self, row: usize) -> Option<(usize, i64)> {
        while let Some(Reverse((d, node))) = self.heap.pop() {
            if d > self.dist[node] || self.settled_in[node] == row {
                continue;
            }
            self.settled_in[node] = row;
            self.settled.push(node);
            return Some((node, d));
        }
        None
    }
}

/// For each row, the group it is placed in, or `None`.
pub fn solve(rows: &[Vec<Edge>], capacity: &[u32]) -> Vec<Option<u32>> {
    let n_rows = rows.len();
    let n_groups = capacity.len();
    let max_gain = rows.iter().flatten().map(|e| i64::from(e.gain)).max().unwrap_or(0);
    let big = (max_gain + 1) * (n_rows as i64 + 1);
    let cost = |gain: u32| -(big + i64::from(gain));
    // Nodes: rows 0..n_rows, groups n_rows.., then the sink.
    let group_node = |g: u32| n_rows + g as usize;
    let sink = n_rows + n_groups;
    let mut potential = vec![0i64; sink + 1];
    let mut search = Search::new(sink + 1);
    let mut placed: Vec<Option<u32>> = vec![None; n_rows];
    let mut members: Vec<Vec<(usize, u32)>> = vec![Vec::new(); n_groups];

    for row in 0..n_rows {
        if !rows[row].iter().any(|e| capacity[e.group as usize] > 0) {
            continue;
        }
        // A potential that makes every edge out of the new row non-negative.
        potential[row] = rows[row]
            .iter()
            .map(|e| potential[group_node(e.group)] - cost(e.gain))
            .max()
            .unwrap_or(0)
            .max(potential[sink]);
        search.start(row);
        while let Some((node, d)) = search.next(row) {
            if node == sink {
                break;
            }
            if node < n_rows {
                let current = placed[node];
                for e in &rows[node] {
                    if Some(e.group) == current || capacity[e.group as usize] == 0 {
                        continue;
                    }
                    let to = group_node(e.group);
                    search.relax(row, node, to, d + cost(e.gain) + potential[node] - potential[to]);
                }
                // Staying unplaced (the new row) or giving up a bed (a placed one).
                search.relax(row, node, sink, d + potential[node] - potential[sink]);
            } else {
                let g = node - n_rows;
                for &(member, gain) in &members[g] {
                    search.relax(row, node, member, d - cost(gain) + potential[node] - potential[member]);
                }
                if (members[g].len() as u32) < capacity[g] {
                    search.relax(row, node, sink, d + potential[node] - potential[sink]);
                }
            }
        }
        let to_sink = search.dist[sink];
        for &node in &search.settled {
            if node != sink {
                potential[node] += search.dist[node] - to_sink;
            }
        }
        // Walk the path back from the sink, moving each row along it.
        let mut path = vec![sink];
        while let Some(&last) = path.last() {
            match search.prev[last] {
                usize::MAX => break,
                before => path.push(before),
            }
        }
        path.reverse();
        for pair in path.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            if from >= n_rows {
                continue; // group → row: the row's own move (next pair) takes it out
            }
            if let Some(old) = placed[from].take() {
                members[old as usize].retain(|(m, _)| *m != from);
            }
            if to != sink {
                let g = (to - n_rows) as u32;
                let gain = rows[from].iter().find(|e| e.group == g).map_or(0, |e| e.gain);
                placed[from] = Some(g);
                members[g as usize].push((from, gain));
            }
        }
    }
    placed
}

/// Greedy: take the edges best first and place whoever is still free where there is room. The
/// baseline the solver must never do worse than.
pub fn greedy(rows: &[Vec<Edge>], capacity: &[u32]) -> Vec<Option<u32>> {
    let mut all: Vec<(u32, usize, u32)> =
        rows.iter().enumerate().flat_map(|(r, edges)| edges.iter().map(move |e| (e.gain, r, e.group))).collect();
    all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut left = capacity.to_vec();
    let mut placed = vec![None; rows.len()];
    for (_, row, group) in all {
        if placed[row].is_none() && left[group as usize] > 0 {
            left[group as usize] -= 1;
            placed[row] = Some(group);
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn value(rows: &[Vec<Edge>], placed: &[Option<u32>]) -> (usize, u64) {
        let count = placed.iter().flatten().count();
        let gain = placed
            .iter()
            .enumerate()
            .filter_map(|(r, g)| g.and_then(|g| rows[r].iter().find(|e| e.group == g)).map(|e| u64::from(e.gain)))
            .sum();
        (count, gain)
    }

    fn feasible(rows: &[Vec<Edge>], capacity: &[u32], placed: &[Option<u32>]) -> bool {
        let mut used = vec![0u32; capacity.len()];
        for (r, g) in placed.iter().enumerate() {
            if let Some(g) = g {
                if !rows[r].iter().any(|e| e.group == *g) {
                    return false;
                }
                used[*g as usize] += 1;
            }
        }
        used.iter().zip(capacity).all(|(u, c)| u <= c)
    }

    /// Every assignment, for tiny inputs.
    fn best_by_search(rows: &[Vec<Edge>], capacity: &[u32]) -> (usize, u64) {
        fn go(rows: &[Vec<Edge>], left: &mut Vec<u32>, row: usize, acc: (usize, u64)) -> (usize, u64) {
            if row == rows.len() {
                return acc;
            }
            let mut best = go(rows, left, row + 1, acc);
            for e in &rows[row] {
                if left[e.group as usize] > 0 {
                    left[e.group as usize] -= 1;
                    best = best.max(go(rows, left, row + 1, (acc.0 + 1, acc.1 + u64::from(e.gain))));
                    left[e.group as usize] += 1;
                }
            }
            best
        }
        go(rows, &mut capacity.to_vec(), 0, (0, 0))
    }

    fn instance(max_rows: usize, max_groups: usize) -> impl Strategy<Value = (Vec<Vec<Edge>>, Vec<u32>)> {
        (1..=max_groups).prop_flat_map(move |groups| {
            let capacity = prop::collection::vec(0u32..3, groups);
            let row = prop::collection::btree_map(0..groups as u32, 0u32..100, 0..=groups)
                .prop_map(|m| m.into_iter().map(|(group, gain)| Edge { group, gain }).collect::<Vec<_>>());
            (prop::collection::vec(row, 0..=max_rows), capacity)
        })
    }

    #[test]
    fn the_classic_trap_for_greedy_is_solved() {
        // Greedy gives the one shared bed to row 0 (gain 90) and leaves row 1 out.
        let rows =
            vec![vec![Edge { group: 0, gain: 90 }, Edge { group: 1, gain: 10 }], vec![Edge { group: 0, gain: 50 }]];
        let capacity = [1, 1];
        assert_eq!(value(&rows, &greedy(&rows, &capacity)), (1, 90));
        let placed = solve(&rows, &capacity);
        assert_eq!(placed, [Some(1), Some(0)]);
        assert_eq!(value(&rows, &placed), (2, 60));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn optimal_on_small_inputs((rows, capacity) in instance(6, 4)) {
            let placed = solve(&rows, &capacity);
            prop_assert!(feasible(&rows, &capacity, &placed));
            prop_assert_eq!(value(&rows, &placed), best_by_search(&rows, &capacity));
        }

        #[test]
        fn never_worse_than_greedy_and_never_over_capacity((rows, capacity) in instance(40, 12)) {
            let placed = solve(&rows, &capacity);
            let greedy = greedy(&rows, &capacity);
            prop_assert!(feasible(&rows, &capacity, &placed));
            prop_assert!(feasible(&rows, &capacity, &greedy));
            prop_assert!(value(&rows, &placed) >= value(&rows, &greedy));
        }
    }
}
