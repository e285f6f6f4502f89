import FeedwatchCore

/// The configuration file, fed as the bytes read from disk: `JSONParser`, then
/// `ConfigurationValidator`. Valid or not, anything but a crash or a hang is
/// fine, but a rejected file must say why.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        _ = try ConfigurationLoader.parse(bytes, source: "fuzz.json")
    } catch {
        precondition(!error.problems.isEmpty, "a rejected configuration without a problem")
        _ = error.description
    }
    return 0
}
