import Foundation

/// Element types a tensor file may hold, named as safetensors names them.
public enum StoredDType: String, Sendable, Equatable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// One named array read from or written to a tensor file: shape, element type and raw
/// little-endian bytes. Kept free of the engine so files can be read without it.
public struct StoredTensor: Sendable, Equatable {
    public var dtype: StoredDType
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(dtype: StoredDType, shape: [Int], bytes: [UInt8]) {
        precondition(
            bytes.count == shape.reduce(1, *) * dtype.size,
            "StoredTensor: \(bytes.count) bytes do not fit shape \(shape) of \(dtype)")
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 tensor from values in row-major order.
    public init(shape: [Int], floats: [Float]) {
        var bytes = [UInt8](repeating: 0, count: floats.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in floats.enumerated() {
                raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        self.init(dtype: .f32, shape: shape, bytes: bytes)
    }

    /// A 64-bit integer tensor (PyTorch stores `num_batches_tracked` this way).
    public init(shape: [Int], int64s: [Int64]) {
        var bytes = [UInt8](repeating: 0, count: int64s.count * 8)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in int64s.enumerated() {
                raw.storeBytes(of: v.littleEndian, toByteOffset: i * 8, as: Int64.self)
            }
        }
        self.init(dtype: .i64, shape: shape, bytes: bytes)
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The values converted to Float, whatever the stored type.
    public func floats() -> [Float] {
        doubles().map { Float($0) }
    }

    /// The values converted to Double, whatever the stored type.
    public func doubles() -> [Double] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { i in element(raw, i) }
        }
    }

    private func element(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Double {
        let o = i * dtype.size
        switch dtype {
        case .f64: return Double(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian)
        case .f32: return Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian))
        case .f16:
            let bits = raw.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian
            return Double(Float16Bits.toFloat(bits))
        case .bf16:
            let bits = UInt32(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian) << 16
            return Double(Float(bitPattern: bits))
        case .i64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int64.self)))
        case .i32: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int32.self)))
        case .i16: return Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int16.self)))
        case .i8: return Double(raw.load(fromByteOffset: o, as: Int8.self))
        case .u8, .bool: return Double(raw[o])
        }
    }
}

/// IEEE half precision decoding without relying on the platform's `Float16` (absent on
/// some x86 toolchains).
enum Float16Bits {
    static func toFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1f)
        let mantissa = UInt32(h & 0x3ff)
        if exponent == 0 {
            let value = Float(mantissa) * Float(sign == 0 ? 1 : -1) / Float(1 << 24)
            return value
        }
        if exponent == 31 {
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
