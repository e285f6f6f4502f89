import Foundation

/// What /proc says of a process: its CPU time and memory.
public enum ProcessUsage {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// User and system CPU seconds of `pid` (its threads included).
    public static func cpuSeconds(_ pid: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm)": state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / ticksPerSecond
    }

    /// The CPU seconds of every process in `group` (a process group id).
    public static func cpuSecondsOfGroup(_ group: pid_t) -> Double {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { pid_t($0) } ?? []
        return pids.filter { getpgid($0) == group }.reduce(0) { $0 + cpuSeconds($1) }
    }

    /// `VmRSS` and `VmHWM` (the peak), in megabytes.
    public static func memory(_ pid: pid_t) -> (rss: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func kilobytes(_ key: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (kilobytes("VmRSS") / 1024, kilobytes("VmHWM") / 1024)
    }
}
