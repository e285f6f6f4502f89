#if canImport(Glibc)
import Glibc
#endif

/// Starting the program: pipes, file actions, signal attributes, `posix_spawn`.
extension CommandRun {
    func spawn() throws(StartFailure) -> SpawnedChild {
        guard let path = arguments.first, !path.isEmpty else {
            throw StartFailure(errno: nil, reason: "the command is empty (it needs at least a program's path)")
        }
        guard path.hasPrefix("/") else {
            throw StartFailure(errno: nil, reason: "\"\(path)\" is not an absolute path (commands run without a "
                + "shell or PATH search)")
        }
        if let name = environment.keys.first(where: { $0.isEmpty || $0.contains("=") || $0.contains("\0") }) {
            throw StartFailure(errno: nil, reason: "\"\(name)\" cannot be the name of an environment variable")
        }
        guard let closeFrom = GNULibC.addCloseFrom else {
            throw StartFailure(errno: ENOSYS, reason: "this C library lacks posix_spawn_file_actions_addclosefrom_np "
                + "(glibc 2.34 or later is needed), so the daemon's files could leak into the command")
        }

        let stdinPipe = try Self.makePipe()
        let outputPipe: (read: Int32, write: Int32)
        do {
            outputPipe = try Self.makePipe()
        } catch {
            close(stdinPipe.read)
            close(stdinPipe.write)
            throw error
        }
        // The child's ends are closed in the parent whatever happens; ours only if the spawn fails.
        defer {
            close(stdinPipe.read)
            close(outputPipe.write)
        }
        // Only our ends: O_NONBLOCK belongs to the open file, which the child's dup would share.
        _ = fcntl(stdinPipe.write, F_SETFL, fcntl(stdinPipe.write, F_GETFL) | O_NONBLOCK)
        _ = fcntl(outputPipe.read, F_SETFL, fcntl(outputPipe.read, F_GETFL) | O_NONBLOCK)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Our pipes are all at 3 or above (`makePipe`), so no dup2 overwrites another's source.
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 2)
        _ = closeFrom(&actions, 3)

        // Without an explicit mask the child would inherit this thread's: SIGPIPE
        // blocked (above), and whatever the thread that created it blocked, which
        // for a thread of the cooperative pool is nearly every signal, SIGTERM
        // included. Signals the daemon ignores would stay ignored across exec.
        // A new process group, its id the child's pid, is what a timeout kills.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptySet = sigset_t()
        sigemptyset(&emptySet)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &emptySet)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes,
                                 Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = CStringArray(arguments)
        let envp = CStringArray(environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        // glibc's posix_spawn reports the exec's own error (ENOENT, EACCES,
        // ENOEXEC) and reaps the child that could not exec.
        let result = posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers)
        guard result == 0 else {
            close(stdinPipe.write)
            close(outputPipe.read)
            throw StartFailure(errno: result, reason: Self.execFailure(result))
        }
        return SpawnedChild(pid: pid, input: stdinPipe.write, output: outputPipe.read)
    }

    /// A close-on-exec pipe whose ends are both 3 or above, so that moving
    /// the child's ends onto 0, 1 and 2 never overwrites another pipe (the
    /// daemon may have been started with 0, 1 or 2 closed).
    static func makePipe() throws(StartFailure) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let result: Int32
        if let pipe2 = GNULibC.pipe2 {
            result = pipe2(&fds, O_CLOEXEC)
        } else {
            result = pipe(&fds)
        }
        guard result == 0 else {
            let code = errno
            throw StartFailure(errno: code, reason: "no pipe for its input and output (\(errorText(code)))")
        }
        for index in fds.indices where fds[index] < 3 || GNULibC.pipe2 == nil {
            let moved = fcntl(fds[index], F_DUPFD_CLOEXEC, 3)
            let code = errno
            close(fds[index])
            fds[index] = moved
            if moved < 0 {
                fds.filter { $0 >= 0 }.forEach { close($0) }
                throw StartFailure(errno: code, reason: "no pipe for its input and output (\(errorText(code)))")
            }
        }
        return (fds[0], fds[1])
    }

    /// Why the kernel would not run the program, in terms an administrator can act on.
    static func execFailure(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file (or the interpreter on its #! line is missing)"
        case EACCES:
            return "permission denied (is it executable, and can feedwatch's user enter every directory above it?)"
        case ENOEXEC: return "not a program this system can run (a script needs a #! line)"
        case ENOTDIR: return "a part of its path is not a directory"
        case ETXTBSY: return "the file is open for writing (being replaced?)"
        case E2BIG: return "its arguments and environment are too long"
        default: return errorText(code)
        }
    }

    static func errorText(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }
}

/// `char *const argv[]` for `posix_spawn`: copies of the strings, then NULL.
struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for pointer in pointers { Glibc.free(pointer) }
    }
}

/// glibc functions that Swift's `Glibc` module does not show (they need
/// `_GNU_SOURCE`, or a header it leaves out), looked up once by name in the C
/// library the process already uses. A C target with `#define _GNU_SOURCE`
/// would declare them instead.
enum GNULibC {
    typealias Pipe2 = @Sendable @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias AddCloseFrom = @Sendable @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32)
        -> Int32
    typealias PidfdOpen = @Sendable @convention(c) (pid_t, UInt32) -> Int32

    /// glibc 2.9.
    static let pipe2: Pipe2? = symbol("pipe2")
    /// glibc 2.34: closes every descriptor from the given one up in the child,
    /// with `close_range(2)` (or by listing `/proc/self/fd`).
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    /// glibc 2.36, Linux 5.3.
    static let pidfdOpen: PidfdOpen? = symbol("pidfd_open")

    private static func symbol<Function>(_ name: String) -> Function? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(handle) }
        guard let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: Function.self)
    }
}
