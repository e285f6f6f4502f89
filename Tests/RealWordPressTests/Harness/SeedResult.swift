import Foundation

/// What `PHP/seed.php` prints: the ids of the content it wrote, and the
/// monitoring user's application password.
struct SeedResult: Decodable {
    let ids: [String: Int]
    let user: String
    let password: String

    init(json: String) throws {
        // PHP notices may precede the JSON line; the JSON is the last line.
        guard let line = json.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw RealWordPressError(description: "PHP/seed.php printed no JSON:\n\(json.suffix(3000))")
        }
        self = try JSONDecoder().decode(SeedResult.self, from: Data(line.utf8))
    }
}
