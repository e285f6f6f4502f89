import Testing
import TestSupport

/// Which of the commands' tests run again when the behaviour suites run on
/// PostgreSQL (`make test-postgresql`, `FEEDWATCH_TEST_STORE=postgresql`).
extension Trait where Self == ConditionTrait {
    /// What only an SQLite file has (a full disk, a read-only or damaged
    /// file): skipped on PostgreSQL.
    static var sqliteDatabasesOnly: Self {
        .enabled(if: !TestDatabase.isPostgreSQL, "an SQLite database's own behaviour")
    }

    /// A test whose database does not come from `TestDatabase` (its own
    /// PostgreSQL server, or none): run once, not again on PostgreSQL.
    static var onceForBothBackends: Self {
        .enabled(if: !TestDatabase.isPostgreSQL, "its database does not depend on FEEDWATCH_TEST_STORE")
    }
}
