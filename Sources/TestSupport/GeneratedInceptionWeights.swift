import Formats
import Foundation

/// The FID reference's synthetic Inception weights (shared/reference/fid/manifest.json):
/// every tensor regenerated from the manifest's formula, so tests need no weight file.
public struct GeneratedInceptionWeights {
    /// One tensor's recipe and the manifest's checks on it.
    public struct Entry {
        /// The state-dict key, which also seeds the generator.
        public let key: String
        public let shape: [Int]
        /// Manifest checks: SHA-256 of the little-endian float32 bytes, float64 sum, first
        /// three values.
        public let sha256: String
        public let sum: Double
        public let first3: [Double]
    }

    /// The manifest's `weight_seed`.
    public let seed: UInt64
    /// Every tensor, sorted by key.
    public let entries: [Entry]

    /// Reads the seed and the tensor list from the manifest.
    public init(manifest url: URL) throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        guard let weights = json?["weights"] as? [String: Any],
            let seed = (weights["weight_seed"] as? NSNumber)?.uint64Value,
            let tensors = weights["tensors"] as? [String: [String: Any]]
        else { throw FileFormatError(path: url.path, problem: "has no weights section") }
        self.seed = seed
        entries = tensors.keys.sorted().map { key in
            let t = tensors[key]!
            return Entry(
                key: key, shape: (t["shape"] as! [NSNumber]).map(\.intValue),
                sha256: t["sha256_le_bytes"] as! String,
                sum: (t["sum_f64"] as! NSNumber).doubleValue,
                first3: (t["first3"] as! [NSNumber]).map(\.doubleValue))
        }
    }

    /// The values of `entry` by the formula: uniform v in [−1, 1) from SplitMix64 seeded with
    /// seed XOR fnv1a64(key), scaled per kind of tensor in float64, rounded once to float32.
    public func values(_ entry: Entry) -> [Float] {
        let count = entry.shape.reduce(1, *)
        let start = seed ^ Self.fnv1a64(entry.key)
        let (scale, offset) = Self.affine(entry)
        return (1...count).map { i in
            var z = start &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let v = Double(z >> 40) * 0x1p-23 - 1
            return Float(offset + scale * v)
        }
    }

    /// Value = offset + scale·v for each kind of tensor.
    static func affine(_ entry: Entry) -> (scale: Double, offset: Double) {
        let key = entry.key
        if key.hasSuffix(".conv.weight") {
            let fanIn = entry.shape.dropFirst().reduce(1, *)
            return ((6 / Double(fanIn)).squareRoot(), 0)
        }
        if key.hasSuffix(".bn.weight") || key.hasSuffix(".bn.running_var") { return (0.25, 1) }
        precondition(
            key.hasSuffix(".bn.bias") || key.hasSuffix(".bn.running_mean"),
            "no weight formula for '\(key)'")
        return (0.1, 0)
    }

    /// The float32 values' little-endian bytes (what the manifest's digests cover).
    public static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in
            let bits = v.bitPattern
            return (0..<4).map { UInt8((bits >> (8 * UInt32($0))) & 0xff) }
        }
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}
