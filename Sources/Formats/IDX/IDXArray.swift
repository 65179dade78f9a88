/// The element types the IDX format defines (the third magic byte).
public enum IDXElementType: UInt8, Sendable {
    case uint8 = 0x08
    case int8 = 0x09
    case int16 = 0x0B
    case int32 = 0x0C
    case float32 = 0x0D
    case float64 = 0x0E

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16: return 2
        case .int32, .float32: return 4
        case .float64: return 8
        }
    }
}

/// One IDX array (LeCun's MNIST format): element type, shape, and the whole uncompressed
/// file, kept as read so it can be checksummed without a second copy.
public struct IDXArray: Sendable {
    /// Type of the elements.
    public let elementType: IDXElementType
    /// Dimensions, outermost first (e.g. [60000, 28, 28]).
    public let shape: [Int]
    /// The uncompressed file: 4-byte magic, 4-byte big-endian dimensions, then elements.
    public let content: [UInt8]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Byte offset of the first element in `content`.
    public var payloadOffset: Int { 4 + 4 * shape.count }

    /// The elements of a `uint8` array, copied out.
    public var bytes: [UInt8] {
        precondition(
            elementType == .uint8, "IDXArray.bytes needs uint8 elements, not \(elementType)")
        return Array(content[payloadOffset...])
    }
}
