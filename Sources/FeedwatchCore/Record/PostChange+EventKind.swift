extension PostChange {
    /// The event reporting this change; `nil` for a baseline, reported per site.
    var eventKind: EventKind? {
        switch self {
        case .baseline, .unchanged: nil
        case .new: .new
        case .revised: .revised
        case .touched: .touched
        case .silentEdit: .silentEdit
        case .deleted: .deleted
        case .unpublished: .unpublished
        case .restored: .restored
        }
    }
}
