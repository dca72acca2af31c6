//! Independent work on every core: the CSV files a plan names are read and checked, and the
//! scripts and runbook rendered, in parallel; the results are used in their original order,
//! so the output never depends on which thread finished first.

/// `task(0)`, ..., `task(count - 1)` on up to four threads (as many as the machine has cores),
/// each taking the next task when it is done with one; the results in task order.
pub(crate) fn in_parallel<T: Send>(count: usize, task: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if threads == 1 || count < 2 {
        return (0..count).map(&task).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i >= count {
                return done;
            }
            done.push((i, task(i)));
        }
    };
    let mut results: Vec<(usize, T)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            // A panic in a template function is a bug; re-raise it on this thread.
            all.extend(
                helper
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        all
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, t)| t).collect()
}
