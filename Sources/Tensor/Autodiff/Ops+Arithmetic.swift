/// Element-wise arithmetic on same-shape variables and with scalars.
extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable {
        let out = Pointwise.apply(.add, a.value, b.value)
        return record(out, op: "add", inputs: [a, b]) { g in [g, g] }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        let out = Pointwise.apply(.subtract, a.value, b.value)
        return record(out, op: "sub", inputs: [a, b]) { g in [g, g * -1] }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        let out = Pointwise.apply(.multiply, a.value, b.value)
        return record(out, op: "mul", inputs: [a, b]) { g in [g * b, g * a] }
    }

    public static func * (a: Variable, s: Float) -> Variable {
        let out = Pointwise.map(a.value) { $0 * s }
        return record(out, op: "scale", inputs: [a]) { g in [g * s] }
    }

    public static func + (a: Variable, s: Float) -> Variable {
        let out = Pointwise.map(a.value) { $0 + s }
        return record(out, op: "shift", inputs: [a]) { g in [g] }
    }

    public static prefix func - (a: Variable) -> Variable { a * -1 }

    /// Multiplies element-wise by a constant tensor (masks, activation slopes, dropout).
    public func multiplied(byConstant factor: Tensor) -> Variable {
        let out = Pointwise.apply(.multiply, value, factor)
        return Variable.record(out, op: "mul_const", inputs: [self]) { g in
            [g.multiplied(byConstant: factor)]
        }
    }

    /// Element-wise square.
    public func squared() -> Variable { self * self }
}
