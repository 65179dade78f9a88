import Foundation
import Formats

/// One PyTorch reference case from a manifest: an op, its parameters, its named tensors
/// (stored as `CASE/NAME` in the cases file) and the tolerance to check them with.
public struct ReferenceCase {
    public let name: String
    public let op: String
    public let params: [String: Any]
    public let tolerance: [String: Double]
    let tensors: [String: StoredTensor]

    /// A tensor of this case by its short name; errors name the case and the tensor.
    public func tensor(_ short: String) throws -> StoredTensor {
        guard let t = tensors[short] else {
            throw ParityError("case '\(name)' has no tensor '\(short)'")
        }
        return t
    }

    /// True when the case stores a tensor with this short name.
    public func has(_ short: String) -> Bool { tensors[short] != nil }

    /// Short names of every stored tensor.
    public var tensorNames: [String] { tensors.keys.sorted() }

    /// An integer pair parameter written either as `n` or `[h, w]`.
    public func pair(_ key: String, default value: Int = 0) -> (Int, Int) {
        if let list = params[key] as? [Any], list.count == 2 {
            return (Self.int(list[0]) ?? value, Self.int(list[1]) ?? value)
        }
        let n = params[key].flatMap(Self.int) ?? value
        return (n, n)
    }

    /// A numeric parameter.
    public func number(_ key: String) -> Double? { (params[key] as? NSNumber)?.doubleValue }

    /// A boolean parameter.
    public func flag(_ key: String) -> Bool? { (params[key] as? NSNumber)?.boolValue }

    private static func int(_ any: Any) -> Int? { (any as? NSNumber)?.intValue }
}

/// A manifest and its tensors, loaded from a reference directory.
public struct ReferenceSuite {
    public let generator: String
    public let cases: [ReferenceCase]

    /// Reads `manifest.json` and the tensor file it names from `directory`.
    public init(directory: URL) throws {
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: manifestURL),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = root["cases"] as? [[String: Any]]
        else {
            throw ParityError("\(manifestURL.path): missing or not a manifest (needs a JSON object with 'cases')")
        }
        let tensorFile = (root["file"] as? String) ?? "cases.safetensors"
        let stored = try SafeTensors.read(directory.appendingPathComponent(tensorFile)).tensors
        generator = (root["generator"] as? String) ?? "unknown"
        cases = try entries.map { entry in
            guard let name = entry["name"] as? String, let op = entry["op"] as? String else {
                throw ParityError("\(manifestURL.path): a case lacks 'name' or 'op'")
            }
            var tensors: [String: StoredTensor] = [:]
            for key in (entry["tensors"] as? [String]) ?? [] {
                guard let t = stored[key] else {
                    throw ParityError("\(manifestURL.path): case '\(name)' lists tensor '\(key)' that \(tensorFile) lacks")
                }
                tensors[String(key.dropFirst(name.count + 1))] = t
            }
            var tolerance: [String: Double] = [:]
            for (k, v) in (entry["tolerance"] as? [String: Any]) ?? [:] {
                if let n = v as? NSNumber { tolerance[k] = n.doubleValue }
            }
            return ReferenceCase(
                name: name, op: op, params: (entry["params"] as? [String: Any]) ?? [:],
                tolerance: tolerance, tensors: tensors)
        }
    }
}

/// A reference case that could not be read or run.
public struct ParityError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
