/// The `WP_Query` a collection request turns into: filters, then one `ORDER BY` column.
struct PostQuery {
    let query: CollectionQuery
    let type: PostTypeInfo
    let offsetSeconds: Int

    func run(on posts: some Sequence<PostRecord>) -> [PostRecord] {
        let afterDate = query.after.map(localWallClock)
        let beforeDate = query.before.map(localWallClock)
        let modifiedAfter = query.modifiedAfter.map(localWallClock)
        let modifiedBefore = query.modifiedBefore.map(localWallClock)
        let terms = query.search.lowercased().split(whereSeparator: \.isWhitespace)
        let matches = posts.filter { post in
            post.type == type.slug
                && matchesStatus(post.status)
                && (query.include.isEmpty || query.include.contains(post.id))
                && !query.exclude.contains(post.id)
                && (query.authors.isEmpty || query.authors.contains(post.author))
                && (query.slugs.isEmpty || query.slugs.contains(post.slug))
                && afterDate.map { post.dateLocal > $0 } ?? true
                && beforeDate.map { post.dateLocal < $0 } ?? true
                && modifiedAfter.map { post.modifiedLocal > $0 } ?? true
                && modifiedBefore.map { post.modifiedLocal < $0 } ?? true
                && (terms.isEmpty || matchesSearch(post, terms))
        }
        return sorted(matches)
    }

    /// `post_status IN (…)`, where `any` means every status but those excluded from search
    /// (`trash`, `auto-draft`) unless they are asked for by name too.
    private func matchesStatus(_ status: String) -> Bool {
        if query.statuses.contains(status) { return true }
        return query.statuses.contains("any") && status != "trash" && status != "auto-draft"
    }

    /// `WP_Date_Query::build_mysql_datetime()`: a date with an offset is converted to the site's
    /// time zone, one without is taken as site-local, and fractions of a second are dropped; the
    /// result is then compared with the local `post_date`/`post_modified` columns, strictly.
    private func localWallClock(_ date: WPTime.ParsedDate) -> Int64 {
        guard let offset = date.offsetSeconds else { return date.wallClock }
        return date.wallClock - Int64(offset) + Int64(offsetSeconds)
    }

    /// WordPress's search: every term must occur in the title, excerpt or content.
    private func matchesSearch(_ post: PostRecord, _ terms: [Substring]) -> Bool {
        let haystack = WPFormatting.stripTags(post.title + " " + post.renderedExcerpt + " " + post.renderedContent).lowercased()
        return terms.allSatisfy { haystack.contains($0) }
    }

    /// `ORDER BY` the chosen column. MySQL leaves the order of ties unspecified; the fake breaks
    /// them by ID in the same direction so that runs are reproducible.
    private func sorted(_ posts: [PostRecord]) -> [PostRecord] {
        switch query.orderby {
        case "include":
            return posts.sorted { position(of: $0.id, in: query.include) < position(of: $1.id, in: query.include) }
        case "include_slugs":
            return posts.sorted { position(of: $0.slug, in: query.slugs) < position(of: $1.slug, in: query.slugs) }
        default:
            let ascending = query.order == "asc"
            return posts.sorted { left, right in
                let comparison = compare(left, right)
                if comparison != 0 { return ascending ? comparison < 0 : comparison > 0 }
                return ascending ? left.id < right.id : left.id > right.id
            }
        }
    }

    private func compare(_ left: PostRecord, _ right: PostRecord) -> Int {
        func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch query.orderby {
        case "modified": return order(left.modifiedLocal, right.modifiedLocal)
        case "id": return order(left.id, right.id)
        case "title": return order(left.title.lowercased(), right.title.lowercased())
        case "slug": return order(left.slug, right.slug)
        case "author": return order(left.author, right.author)
        case "parent": return order(left.parent, right.parent)
        case "menu_order": return order(left.menuOrder, right.menuOrder)
        default: return order(left.dateLocal, right.dateLocal)
        }
    }

    private func position<T: Equatable>(of value: T, in list: [T]) -> Int {
        list.firstIndex(of: value) ?? list.count
    }
}
