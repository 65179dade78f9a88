/// An 8-bit image with interleaved channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA), rows top
/// to bottom: the form PNG files are written from and read into.
public struct PixelImage: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Channels per pixel.
    public let channels: Int
    /// `height * width * channels` bytes, row-major, channels innermost.
    public var pixels: [UInt8]

    /// An image from its pixels; the count must match the dimensions.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition((1...4).contains(channels), "PixelImage: \(channels) channels (need 1...4)")
        precondition(
            pixels.count == width * height * channels,
            "PixelImage: \(pixels.count) bytes for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The value at column `x`, row `y`, channel `c`.
    public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }
}
