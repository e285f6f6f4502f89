import FakeWordPress
import Foundation

// A farm of fake WordPress sites on 127.0.0.1 for the benchmarks, in a process
// of its own so that its CPU time is not counted as feedwatch's.
//
//   fake-farm SITES POSTS
//
// Prints one line per site ("SITE <name> <url>"), then "READY", and reads
// commands from stdin, answering each with one line:
//   change N   edit N posts spread over the farm   -> "CHANGED N"
//   stats      counters since start                 -> "STATS <requests> <bytes sent>"
//   quit       stop                                 (also on end of input)

let arguments = CommandLine.arguments
guard arguments.count == 3, let siteCount = Int(arguments[1]), let postCount = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: fake-farm SITES POSTS\n".utf8))
    exit(64)
}

/// One line to stdout, unbuffered, so the benchmark sees it at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let server = try FakeWordPressServer()
server.recordsRequests = false
var sites: [FakeSite] = []
for index in 0..<siteCount {
    let site = server.addSite("farm-\(index)")
    site.addGeneratedPosts(postCount)
    sites.append(site)
    say("SITE \(site.name) \(site.url)")
}
say("READY")

var editedRound = 0
while let line = readLine() {
    let words = line.split(separator: " ")
    switch words.first {
    case "change":
        let count = words.count > 1 ? Int(words[1]) ?? 0 : 0
        editedRound += 1
        for edit in 0..<count {
            let site = sites[edit % sites.count]
            // Generated posts are numbered from 1 on every site.
            let id = 1 + (edit / sites.count) % max(postCount, 1)
            site.edit(id, content: "<p>Edited in round \(editedRound).</p>")
        }
        say("CHANGED \(count)")
    case "stats":
        say("STATS \(server.requestCount) \(server.bytesSent)")
    case "quit":
        server.stop()
        exit(0)
    default:
        say("ERROR unknown command")
    }
}
server.stop()
