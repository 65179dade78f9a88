import CBFloat16
import Foundation

/// bfloat16: the upper 16 bits of a float32 (8 exponent bits, 7 stored mantissa bits). The
/// optional bfloat16 mode rounds both operands of the training step's matrix products to it
/// and keeps every sum, every weight and every other operation in float32.
public enum BFloat16 {
    /// The units that multiply bfloat16 on this machine. Without any, the mode still runs the
    /// same sums in float32 arithmetic, much slower than float32 mode.
    public enum Units: Int32, Sendable {
        case emulated = 0
        case avx512DotProducts = 1
        case amxTiles = 2

        public var name: String {
            switch self {
            case .emulated: "emulated in float32"
            case .avx512DotProducts: "AVX-512 BF16"
            case .amxTiles: "AMX tiles"
            }
        }
    }

    /// The best units this machine has (AMX needs the kernel's permission, asked once), or
    /// lesser ones named by `DCGANLAB_BFLOAT16_UNITS=emulated|avx512|amx` (to compare them, or to
    /// run the emulation's path where the hardware exists).
    public static let units: Units = {
        let found = Units(rawValue: cbf16_backend()) ?? .emulated
        let names: [String: Units] = ["emulated": .emulated, "avx512": .avx512DotProducts, "amx": .amxTiles]
        guard let name = ProcessInfo.processInfo.environment["DCGANLAB_BFLOAT16_UNITS"],
              let asked = names[name] else { return found }
        return asked.rawValue < found.rawValue ? asked : found
    }()

    /// True where the CPU converts float32 to bfloat16 itself (AVX-512 BF16): packing then
    /// rounds 32 values per instruction. The bits are those of `round` either way.
    static let convertsInHardware = cbf16_converts() == 1

    /// The bfloat16 nearest to `x` (ties to even); NaN stays a quiet NaN, infinities stay,
    /// subnormals become zero of their sign: the conversion instruction (VCVTNE2PS2BF16) flushes
    /// them, and every path rounds alike so results do not depend on the units.
    @inline(__always)
    public static func round(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        if bits & 0x7F80_0000 == 0 { return UInt16(truncatingIfNeeded: bits >> 16) & 0x8000 }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// `round` on 16 floats at once, in the low halves of the words. Integer arithmetic only
    /// (a select on NaN kept the packing from vectorising): a NaN whose payload lies only in
    /// its low 16 bits becomes an infinity, which is as non-finite, and training stops on it.
    /// Subnormals go to signed zero here too.
    @inline(__always)
    static func round(_ x: SIMD16<Float>) -> SIMD16<UInt32> {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let rounded = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16
        return rounded.replacing(with: (bits &>> 16) & 0x8000, where: bits & 0x7F80_0000 .== 0)
    }

    /// The float32 value of a bfloat16.
    @inline(__always)
    public static func float(_ h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }

    /// One word of a packed operand: the bfloat16 of an even k in the low half, of the next
    /// (odd) k in the high half, the order the dot-product instruction pairs them.
    @inline(__always)
    static func pair(_ even: SIMD16<Float>, _ odd: SIMD16<Float>) -> SIMD16<UInt32> {
        round(even) | (round(odd) &<< 16)
    }

    /// The 16 words of 32 consecutive values along k.
    @inline(__always)
    static func pairs(_ x: UnsafePointer<Float>) -> SIMD16<UInt32> {
        let raw = UnsafeRawPointer(x)
        return SIMD16(lowHalf: pairs(raw.loadUnaligned(as: SIMD16<Float>.self)),
                      highHalf: pairs(raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)))
    }

    /// 16 consecutive values along k as 8 words: rounded, each 64-bit lane holds an even value
    /// in its low 32 bits and the odd one in its high 32; both halves move into 32 bits.
    @inline(__always)
    private static func pairs(_ x: SIMD16<Float>) -> SIMD8<UInt32> {
        let lanes = unsafeBitCast(round(x), to: SIMD8<UInt64>.self)
        return SIMD8<UInt32>(truncatingIfNeeded: lanes | (lanes &>> 16))
    }

    @inline(__always)
    static func pair(_ even: Float, _ odd: Float) -> UInt32 {
        UInt32(round(even)) | UInt32(round(odd)) << 16
    }
}

/// The arithmetic of the training step's matrix products.
public enum Precision: String, Sendable, Codable, CaseIterable {
    /// Operands and sums in float32 (PyTorch's default on CPU).
    case float32
    /// Operands rounded to bfloat16, products and sums in float32.
    case bfloat16
}
