/// Writes animated PNG files (APNG, as Chromium, Firefox and Safari play them): the first
/// frame is the ordinary IDAT image, so viewers without APNG support show it still.
///
/// Layout: signature, IHDR, acTL (frame and play counts), then per frame an fcTL (size,
/// offset, delay) followed by IDAT for frame 0 or fdAT for the others, and IEND. fcTL and
/// fdAT chunks share one sequence number counter starting at 0.
public enum APNGEncoder {
    /// The APNG bytes of `frames` (at least one, all of the same size and channels), each
    /// shown `delayMilliseconds`, the last one `lastDelayMilliseconds`; `plays` 0 loops.
    public static func encode(
        _ frames: [PixelImage], delayMilliseconds: Int, lastDelayMilliseconds: Int? = nil,
        plays: Int = 0
    ) -> [UInt8] {
        precondition(!frames.isEmpty, "APNGEncoder needs at least one frame")
        let first = frames[0]
        precondition(
            frames.allSatisfy {
                $0.width == first.width && $0.height == first.height
                    && $0.channels == first.channels
            }, "APNGEncoder: every frame needs the first frame's size and channels")

        var out = PNGEncoder.signature
        PNGEncoder.appendChunk("IHDR", PNGEncoder.header(first), to: &out)
        var animation: [UInt8] = []
        PNGEncoder.appendBigEndian(UInt32(frames.count), to: &animation)
        PNGEncoder.appendBigEndian(UInt32(plays), to: &animation)
        PNGEncoder.appendChunk("acTL", animation, to: &out)

        var sequence: UInt32 = 0
        for (index, frame) in frames.enumerated() {
            let isLast = index == frames.count - 1
            let delay = isLast ? lastDelayMilliseconds ?? delayMilliseconds : delayMilliseconds
            PNGEncoder.appendChunk(
                "fcTL", frameControl(frame, sequence: sequence, delay: delay), to: &out)
            sequence += 1
            let data = Zlib.deflate(PNGEncoder.filteredScanlines(frame), level: 9)
            if index == 0 {
                PNGEncoder.appendChunk("IDAT", data, to: &out)
            } else {
                var body: [UInt8] = []
                PNGEncoder.appendBigEndian(sequence, to: &body)
                PNGEncoder.appendChunk("fdAT", body + data, to: &out)
                sequence += 1
            }
        }
        PNGEncoder.appendChunk("IEND", [], to: &out)
        return out
    }

    /// fcTL's body: the frame covers the whole canvas, is drawn over nothing (blend
    /// "source") and left in place (dispose "none"); the delay is a fraction of a second.
    private static func frameControl(_ frame: PixelImage, sequence: UInt32, delay: Int)
        -> [UInt8]
    {
        var body: [UInt8] = []
        for value in [sequence, UInt32(frame.width), UInt32(frame.height), 0, 0] {
            PNGEncoder.appendBigEndian(value, to: &body)
        }
        let milliseconds = UInt16(clamping: delay)
        body += [UInt8(milliseconds >> 8), UInt8(milliseconds & 0xFF), 0x03, 0xE8]  // /1000
        body += [0, 0]  // dispose_op none, blend_op source
        return body
    }
}
