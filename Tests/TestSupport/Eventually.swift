import Foundation

/// Whether `condition` holds within `seconds`, tried every `poll` seconds:
/// for what another process does in its own time (a daemon, journald).
public func eventually(_ seconds: Double, poll: Double = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: poll)
    }
    return try condition()
}
