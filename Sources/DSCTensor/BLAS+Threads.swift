extension BLAS {
    /// Runs `body` with OpenBLAS limited to `count` threads, then restores the previous setting.
    ///
    /// Kernels that already split their work over the cores (conv2d over images) call sgemm from
    /// each worker; letting OpenBLAS start its own threads as well oversubscribes the cores, and its
    /// spinning threads double the CPU time. The setting is process-wide: a concurrent caller
    /// elsewhere only runs slower meanwhile, never wrongly.
    static func withThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        let previous = threads
        if previous == count { return try body() }
        threads = count
        defer { threads = previous }
        return try body()
    }
}
