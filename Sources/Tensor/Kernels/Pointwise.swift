/// Element-wise loops over whole tensors, split across threads for large ones.
enum Pointwise {
    /// Elements per thread chunk below which threading costs more than it saves.
    static let grain = 1 << 15

    @inline(__always)
    static func map(_ a: Tensor, _ f: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitialized: a.shape)
        let src = a.data, dst = out.data
        Engine.parallelFor(a.count, grain: grain) { r in
            for i in r { dst[i] = f(src[i]) }
        }
        return out
    }

    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape, "element-wise op on shapes \(a.shape) and \(b.shape)")
        let out = Tensor(uninitialized: a.shape)
        let x = a.data, y = b.data, dst = out.data
        Engine.parallelFor(a.count, grain: grain) { r in
            for i in r { dst[i] = f(x[i], y[i]) }
        }
        return out
    }
}
