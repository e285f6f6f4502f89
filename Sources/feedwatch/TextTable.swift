/// Rows of cells in columns two spaces apart, for people to read at a glance.
enum TextTable {
    /// The first row is the header. Cells are padded to their column's widest;
    /// lines have no trailing spaces.
    static func render(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var output = ""
        for row in rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                line += cell
                if column < row.count - 1 { line += String(repeating: " ", count: widths[column] - cell.count + 2) }
            }
            while line.last == " " { line.removeLast() }
            output += line + "\n"
        }
        return output
    }
}
