import Foundation

extension DataLoader {
    /// The batches of one epoch: a one-pass sequence (its own iterator).
    ///
    /// With prefetch, the first `next()` starts the producer thread; it stops after the last
    /// batch, at the first read error, or when this object is released (leaving a `for` loop
    /// early releases it). A read error ends the sequence early; ``error`` holds it and
    /// ``check()`` rethrows it.
    public final class Epoch: Sequence, IteratorProtocol {
        /// The loader and the epoch number.
        public let loader: DataLoader
        public let epoch: Int
        /// The read error that ended the epoch, if any.
        public private(set) var error: Error?

        private var queue: PrefetchQueue?
        private var order: [Int]?
        private var nextIndex = 0
        private var done = false

        init(loader: DataLoader, epoch: Int) {
            self.loader = loader
            self.epoch = epoch
        }

        deinit { queue?.cancel() }

        /// Number of batches this epoch yields when no read fails (``DataLoader/batchesPerEpoch``).
        /// Not `underestimatedCount`: an error may end the epoch sooner.
        public var expectedCount: Int { loader.batchesPerEpoch }

        public func next() -> Batch? {
            if done { return nil }
            if order == nil { start() }
            let result: Result<Batch, Error>?
            if let queue {
                result = queue.take()
            } else if nextIndex < loader.batchesPerEpoch {
                result = Result { try loader.batch(nextIndex, of: order!, epoch: epoch) }
                nextIndex += 1
            } else {
                result = nil
            }
            switch result {
            case .success(let batch)?:
                return batch
            case .failure(let failure)?:
                error = failure
                done = true
                return nil
            case nil:
                done = true
                return nil
            }
        }

        /// Rethrows the read error that ended the epoch early, if any.
        public func check() throws {
            if let error { throw error }
        }

        private func start() {
            let order = loader.order(epoch: epoch)
            self.order = order
            guard loader.prefetch > 0 else { return }
            let queue = PrefetchQueue(capacity: loader.prefetch)
            self.queue = queue
            let loader = self.loader
            let epoch = self.epoch
            let thread = Thread {
                for k in 0..<loader.batchesPerEpoch {
                    let result = Result { try loader.batch(k, of: order, epoch: epoch) }
                    guard queue.put(result) else { break }
                    if case .failure = result { break }
                }
                queue.finish()
            }
            thread.name = "DataLoader.prefetch"
            thread.start()
        }
    }
}

/// A bounded FIFO between one producer thread and one consumer.
///
/// `put` blocks while `capacity` items wait; `take` blocks while none does and the producer has
/// not finished. `cancel` (the consumer went away) wakes the producer, whose `put` then returns
/// false.
final class PrefetchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Result<Batch, Error>] = []  // at most `capacity`: removeFirst is cheap
    private var finished = false
    private var cancelled = false
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity >= 1, "PrefetchQueue: capacity=\(capacity) must be >= 1")
        self.capacity = capacity
    }

    /// Appends `item`, waiting for room; false when the consumer cancelled.
    func put(_ item: Result<Batch, Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The oldest item, waiting for one; nil once the producer finished and all were taken.
    func take() -> Result<Batch, Error>? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// The producer has put its last item.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer is gone: drop what waits and release the producer.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
