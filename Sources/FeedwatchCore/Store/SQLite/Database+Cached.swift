import GRDB

extension Database {
    /// Executes `sql` through the statement cache: the store runs the same few
    /// statements for every post and every sync, and preparing them anew each
    /// time was a visible share of a sync's CPU.
    func run(_ sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The first row of a cached query, if any.
    func row(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }
}
