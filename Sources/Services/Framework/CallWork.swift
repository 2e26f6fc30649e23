/// The work a call sets going: a server made, restarted, stopped or deleted, a directory
/// joined, a snapshot taken, a cluster failed over. AWS answers at once and works for minutes;
/// Kerbside's work takes moments, so the call waits for it (up to `patience`) before it answers.
/// The answer still shows the status of the moment the call was made, as AWS's does, but a
/// waiter's first poll finds the work done: botocore's RDS waiters poll every 30 s, so a wait
/// on work that took 0.2 s would otherwise take 30 s. Longer work goes on after the answer.
public enum CallWork {
    public static let patience: Duration = .seconds(10)

    public static func run(_ work: sending @escaping () async -> Void) async {
        let task = Task { await work() }
        await withTaskGroup(of: Void.self) { group in
            // Waiting on the task's value never cancels it: whichever ends first, the work goes on.
            group.addTask { await task.value }
            group.addTask { try? await Task.sleep(for: patience) }
            await group.next()
            group.cancelAll()
        }
    }
}
