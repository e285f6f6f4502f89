import Dispatch
import Foundation
import Locking

/// SIGINT and SIGTERM end the benchmark through its own code, so that the
/// daemon and nginx it started are stopped on the way out (their `defer`s).
final class Interruption: @unchecked Sendable {
    // @unchecked: `sources` is set once in init and only kept alive.
    private let signalled = Locked<Int32>(0)
    private let sources: [any DispatchSourceSignal]

    init() {
        let signalled = self.signalled
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { signalled.withLock { $0 = number } }
            source.resume()
            return source
        }
    }

    /// Sleeps, then throws if a signal came meanwhile.
    func sleep(seconds: Double) throws {
        Thread.sleep(forTimeInterval: seconds)
        let number = signalled.withLock { $0 }
        if number != 0 { throw BenchmarkError("stopped by signal \(number)") }
    }
}
