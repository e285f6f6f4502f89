import Glibc

/// A POSIX thread that can be joined. Foundation's `Thread` cannot be, and `stop()` must not
/// return while a server thread may still touch a socket.
struct JoinableThread: Sendable {
    private let handle: pthread_t

    init(_ body: @escaping @Sendable () -> Void) throws {
        let context = Unmanaged.passRetained(Body(body))
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context.toOpaque())
        guard result == 0 else {
            context.release()
            throw FakeWordPressError.system(call: "pthread_create", errno: result)
        }
        self.handle = handle
    }

    /// Waits for the thread to return. Call exactly once.
    func join() {
        pthread_join(handle, nil)
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
