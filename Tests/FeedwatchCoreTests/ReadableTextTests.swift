@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

@Suite struct ReadableTextTests {
    @Test func realPostGivesOneLinePerParagraphWithLinkTextKept() throws {
        let html = try #require(try Fixture.post().content)
        let lines = ReadableText.lines(fromHTML: html)
        #expect(lines.count == 10)
        #expect(lines.first?.hasPrefix("It was around midnight in Moscow when Vladimir Putin took a call") == true)
        #expect(lines.last?.contains("Rubio said on NBC\u{2019}s Meet the Press. But it wasn\u{2019}t clear") == true)
        #expect(lines.allSatisfy { !$0.contains("<") && !$0.contains("class=") && !$0.contains("  ") })
    }

    @Test func realTitleFoldsNonBreakingSpacesAndExcerptDecodesEntities() throws {
        let post = try Fixture.post()
        #expect(ReadableText.lines(fromHTML: post.title ?? "")
            == ["How Putin Brushed Off Trump\u{2019}s Latest Push for Peace in Ukraine"])
        #expect(ReadableText.lines(fromHTML: post.excerpt ?? "")
            == ["It was around midnight in Moscow when Vladimir Putin took a call from the White House about the\u{2026}"])
    }

    @Test func gutenbergBlockCommentsVanishAndHeadingsGetHashes() {
        let html = """
            <!-- wp:heading {"level":3} -->
            <h3 class="wp-block-heading" id="why">Why it&nbsp;matters</h3>
            <!-- /wp:heading -->

            <!-- wp:paragraph -->
            <p>Rock &amp; roll&#8217;s back&nbsp;&nbsp; again &#x2014; <em>louder</em>.</p>
            <!-- /wp:paragraph -->
            """
        #expect(ReadableText.lines(fromHTML: html) == ["### Why it matters", "Rock & roll\u{2019}s back again \u{2014} louder."])
    }

    @Test func listItemsStartWithADashAndNestedItemsAreIndented() {
        let html = """
            <!-- wp:list --><ul class="wp-block-list"><!-- wp:list-item --><li>First</li><!-- /wp:list-item -->
            <li>Second<ul><li>Nested <strong>bold</strong></li></ul></li>
            <li><p>Para one</p><p>Para two</p></li></ul><!-- /wp:list -->
            <ol><li>Numbered<li>Unclosed item</ol>
            """
        #expect(ReadableText.lines(fromHTML: html) == [
            "- First", "- Second", "  - Nested bold", "- Para one", "  Para two", "- Numbered", "- Unclosed item",
        ])
    }

    @Test func figureGivesItsImageAltAndCaptionAsLines() {
        let html = """
            <figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683"
              src="https://example.com/heron.jpg" alt="A grey heron &amp; its &quot;catch&quot;" class="wp-image-12"/>
            <figcaption class="wp-element-caption">A heron at dawn</figcaption></figure>
            <figure><img src="decorative.png" alt=""><img src="none.png"></figure>
            <p>Inline <img alt=' icon '> here</p>
            """
        #expect(ReadableText.lines(fromHTML: html) == [
            "[image: A grey heron & its \"catch\"]", "A heron at dawn", "Inline [image: icon] here",
        ])
    }

    @Test func scriptsStylesNoscriptTemplatesAndCommentsVanishWithTheirContent() {
        let html = """
            <p>Before</p><script type="text/javascript">if (a < b) { document.write("</p>"); }</script>
            <STYLE>p > a { color: red }</STYLE ><noscript><img alt="tracking pixel"></noscript>
            <template><p>Template</p></template><!-- a comment with <p>markup</p> -->
            <p>After<!----> it<!-->all<!--->.</p>
            """
        #expect(ReadableText.lines(fromHTML: html) == ["Before", "After itall."])
    }

    @Test func blockquotesArePrefixedAndTableCellsJoined() {
        let html = """
            <blockquote class="wp-block-quote"><p>Quoted</p><blockquote>Deeper</blockquote><cite>Someone</cite></blockquote>
            <figure class="wp-block-table"><table><thead><tr><th>Name</th><th>Score</th></tr></thead>
            <tbody><tr><td>Ann</td><td>3</td></tr><tr><td></td><td>4</td></tr></tbody></table></figure>
            <dl><dt>Term</dt><dd>Definition</dd></dl>
            """
        #expect(ReadableText.lines(fromHTML: html) == [
            "> Quoted", "> > Deeper", "> Someone", "Name | Score", "Ann | 3", "4", "Term", "Definition",
        ])
    }

    @Test func preformattedTextKeepsItsLinesAndIndentation() {
        let html = "<pre class=\"wp-block-code\"><code>func f() {\r\n    return 1 &lt; 2   \n\n}</code></pre><p>a\nb</p>"
        #expect(ReadableText.lines(fromHTML: html) == ["func f() {", "    return 1 < 2", "}", "a b"])
    }

    @Test func inlineTagsAndLineBreaksSplitNoWordsButBrEndsALine() {
        let html = "<p>un<strong>believ</strong>able <a href=\"https://x.test/?a=1&amp;b=2\">link</a><br>next<br/>line</p>"
        #expect(ReadableText.lines(fromHTML: html) == ["unbelievable link", "next", "line"])
    }

    @Test func brokenMarkupIsReadAsABrowserWouldShowIt() {
        // Unclosed elements, stray `<`, `>` inside quoted attributes, odd case.
        #expect(ReadableText.lines(fromHTML: "<P>one<DIV>two<p>three <b>bold <i>both")
            == ["one", "two", "three bold both"])
        #expect(ReadableText.lines(fromHTML: "<p>1 < 2 and 3 > 2, <3 & <= </></ junk></p>") == ["1 < 2 and 3 > 2, <3 & <="])
        #expect(ReadableText.lines(fromHTML: #"<a title="a > b" data-x='<p>'>link</a> text"#) == ["link text"])
        #expect(ReadableText.lines(fromHTML: "<?xml version=\"1.0\"?><!DOCTYPE html><p>doc</p>") == ["doc"])
        // What a browser hides, the reader never saw: a comment, script or
        // tag (its quote or `>` missing) never closed runs to the end.
        #expect(ReadableText.lines(fromHTML: "<p>seen</p><!-- unclosed <p>hidden</p>") == ["seen"])
        #expect(ReadableText.lines(fromHTML: "<p>seen</p><script>hidden") == ["seen"])
        #expect(ReadableText.lines(fromHTML: #"<p>seen</p><a href="x>hidden</a><p>hidden</p>"#) == ["seen"])
        #expect(ReadableText.lines(fromHTML: "<p>seen x<y") == ["seen x"])
        #expect(ReadableText.lines(fromHTML: "") == [])
        #expect(ReadableText.lines(fromHTML: "<") == ["<"])
    }

    @Test func noLineIsEmptyUntrimmedOrContainsALineBreakWhateverTheInput() {
        var random = SeededGenerator(seed: 7)
        let pieces = ["<", ">", "/", "!--", "-->", "p", "li", "ul", "pre", "script", "img alt=", "\"", "'", "=", " ",
                      "\n", "\r", "&nbsp;", "&amp;", "&#8217;", "&#", ";", "x", "é", "\u{2028}", "<br>", "\t"]
        for _ in 0..<3000 {
            let html = (0..<random.below(40)).map { _ in pieces[random.below(pieces.count)] }.joined()
            for line in ReadableText.lines(fromHTML: html) {
                #expect(!line.isEmpty, "\(html.debugDescription)")
                let hasLineBreak = line.contains { $0.isNewline }
                #expect(!hasLineBreak, "\(html.debugDescription)")
                #expect(line.last?.isWhitespace == false, "\(html.debugDescription)")
            }
        }
    }

    @Test func markupThatNeverClosesHidesTheRestAsInABrowser() {
        // Each of these makes a naive scanner rescan to the end from every `<`;
        // the benchmark's diff figures would show that, a test only the result.
        let inputs = [
            String(repeating: "<a ", count: 100_000), String(repeating: "<a x=\"", count: 50_000),
            String(repeating: "<!--", count: 75_000), String(repeating: "<script>", count: 40_000),
        ]
        for html in inputs { #expect(ReadableText.lines(fromHTML: "<p>shown</p>" + html) == ["shown"]) }
        #expect(ReadableText.lines(fromHTML: String(repeating: "<ul><li>x", count: 30_000)).count == 30_000)
        #expect(ReadableText.lines(fromHTML: String(repeating: "&amp", count: 3)) == ["&amp&amp&amp"])
    }
}
