@testable import FeedwatchCore
import Testing

@Suite struct JournalPacerTests {
    @Test func aBurstGoesAtOnceThenEntriesArePacedWithinJournaldsDefaultLimit() {
        let start = ContinuousClock.now
        let pacer = JournalPacer(burst: 1000, perSecond: 300)
        for index in 0..<1000 {
            #expect(pacer.take(now: start) == nil, "entry \(index) of the burst")
        }
        let wait = pacer.take(now: start)
        #expect(wait.map { $0 > .milliseconds(3) && $0 < .milliseconds(4) } == true, "one entry every 1/300 s: \(String(describing: wait))")
        // A writer that waits as told: the burst, then 30 s of refill, journald's default 10,000.
        var written = 1001
        var now = start + (wait ?? .zero)
        while true {
            now += pacer.take(now: now) ?? .zero
            guard now < start + .seconds(30) else { break }
            written += 1
        }
        #expect((9_990...10_000).contains(written), "\(written) entries in 30 s")
    }
}
