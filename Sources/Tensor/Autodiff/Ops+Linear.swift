/// Matrix products and fully connected layers.
extension Variable {
    /// op(a) · op(b) for 2-D variables, `op` transposing when its flag is set.
    public static func matmul(
        _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
    ) -> Variable {
        precondition(a.shape.count == 2 && b.shape.count == 2, "matmul of \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == (transposeB ? b.shape[1] : b.shape[0]), "matmul: inner sizes of \(a.shape), \(b.shape)")
        let out = Tensor(uninitialized: [m, n])
        GEMM.multiply(a.value.data, transposeA: transposeA, b.value.data, transposeB: transposeB,
                      into: out.data, m: m, n: n, k: k)
        return record(out, op: "matmul", inputs: [a, b]) { g in
            // C = A B: dA = G Bᵀ, dB = Aᵀ G, adjusted for which operands were transposed.
            let da = transposeA
                ? matmul(b, g, transposeA: transposeB, transposeB: true)
                : matmul(g, b, transposeA: false, transposeB: !transposeB)
            let db = transposeB
                ? matmul(g, a, transposeA: true, transposeB: transposeA)
                : matmul(a, g, transposeA: !transposeA, transposeB: false)
            return [da, db]
        }
    }

    /// x Wᵀ + b for x [N, in], W [out, in], b [out] (PyTorch `nn.Linear`).
    public func linear(weight: Variable, bias: Variable?) -> Variable {
        let y = Variable.matmul(self, weight, transposeB: true)
        return bias.map { y.addingPerChannel($0) } ?? y
    }
}
