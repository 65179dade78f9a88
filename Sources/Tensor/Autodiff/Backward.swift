/// Reverse-mode differentiation over the recorded graph.
public enum Autodiff {
    /// Gradients of `output` with respect to each of `targets` (nil where it does not
    /// depend on one). `seed` is d(loss)/d(output), ones by default. With `createGraph`
    /// the result is itself recorded, so it can be differentiated again.
    public static func gradients(
        of output: Variable, withRespectTo targets: [Variable],
        seed: Variable? = nil, createGraph: Bool = false
    ) -> [Variable?] {
        let (grads, _) = propagate(
            from: output, seed: seed, createGraph: createGraph,
            keep: Set(targets.map(ObjectIdentifier.init)))
        return targets.map { grads[ObjectIdentifier($0)] }
    }

    /// Accumulates d(output)/d(leaf) into `grad` of every parameter `output` depends on.
    public static func backward(_ output: Variable, seed: Variable? = nil) {
        let (grads, order) = propagate(from: output, seed: seed, createGraph: false, keep: [])
        for leaf in order where leaf.rule == nil {
            guard let g = grads[ObjectIdentifier(leaf)] else { continue }
            // Over the threads: a parameter-sized loop here ran on one thread while the other
            // waited (2.5 million floats a 64×64 step).
            if let existing = leaf.grad {
                Pointwise.accumulate(g.value, into: existing)
            } else {
                // A copy: a rule may hand the same tensor to several inputs.
                leaf.grad = Pointwise.map(g.value) { $0 }
            }
        }
    }

    /// The gradients reached, and the graph in topological order (walked once).
    private static func propagate(
        from output: Variable, seed: Variable?, createGraph: Bool, keep: Set<ObjectIdentifier>
    ) -> (grads: [ObjectIdentifier: Variable], order: [Variable]) {
        let order = topologicalOrder(output)
        var grads: [ObjectIdentifier: Variable] = [:]
        grads[ObjectIdentifier(output)] = seed ?? Variable(Tensor(shape: output.shape, value: 1))

        GradMode.with(createGraph) {
            for node in order.reversed() {
                guard let rule = node.rule, let g = grads[ObjectIdentifier(node)] else { continue }
                let inputGrads = rule(g)
                for (input, ig) in zip(node.inputs, inputGrads) {
                    guard input.requiresGrad, let ig else { continue }
                    precondition(ig.shape == input.shape,
                                 "\(node.label): gradient shape \(ig.shape) for input \(input.shape)")
                    let key = ObjectIdentifier(input)
                    grads[key] = grads[key].map { $0 + ig } ?? ig
                }
                // Free intermediate gradients as soon as they are passed on.
                let key = ObjectIdentifier(node)
                if !createGraph && !keep.contains(key) { grads[key] = nil }
            }
        }
        return (grads, order)
    }

    /// Nodes reachable from `output` that require gradients, inputs before their users.
    private static func topologicalOrder(_ output: Variable) -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(output, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            guard node.requiresGrad, visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad { stack.append((input, false)) }
        }
        return order
    }
}

extension Variable {
    /// Accumulates gradients of this (scalar) value into every parameter's `grad`.
    public func backward() { Autodiff.backward(self) }
}
