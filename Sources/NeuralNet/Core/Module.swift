import Formats
import Tensor

/// A network layer or container, PyTorch style: a forward function plus named parameters
/// and buffers whose names (`net.3.running_mean`) match PyTorch's `state_dict` keys.
public protocol Module: AnyObject {
    /// Applies the layer.
    func callAsFunction(_ x: Variable) -> Variable
    /// This module's own state entries (not its children's), by local name.
    var localState: [(name: String, entry: StateEntry)] { get }
    /// Child modules with their names (`"0"`, `"net"`).
    var children: [(name: String, module: Module)] { get }
    /// Training mode (batch statistics, active dropout) or evaluation mode.
    var isTraining: Bool { get set }
}

/// One value in a state dict: a trainable parameter, a buffer, or a counter.
public enum StateEntry {
    case parameter(Variable)
    case buffer(Tensor)
    case counter(Counter)
}

/// A mutable integer held by reference (BatchNorm's `num_batches_tracked`).
public final class Counter {
    public var value: Int
    public init(_ value: Int = 0) { self.value = value }
}

extension Module {
    public var localState: [(name: String, entry: StateEntry)] { [] }
    public var children: [(name: String, module: Module)] { [] }

    /// Every state entry of this module and its descendants, with dotted full names, in
    /// registration order (as PyTorch's `state_dict()` lists them).
    public func namedState(prefix: String = "") -> [(name: String, entry: StateEntry)] {
        var result = localState.map { (prefix + $0.name, $0.entry) }
        for child in children {
            result += child.module.namedState(prefix: prefix + child.name + ".")
        }
        return result
    }

    /// Trainable parameters with their full names.
    public func namedParameters(prefix: String = "") -> [(name: String, parameter: Variable)] {
        namedState(prefix: prefix).compactMap {
            if case .parameter(let p) = $0.entry { return ($0.name, p) }
            return nil
        }
    }

    /// Trainable parameters in registration order.
    public var parameters: [Variable] { namedParameters().map(\.parameter) }

    /// Sets training or evaluation mode here and in every descendant.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for child in children { child.module.setTraining(training) }
    }
}

/// Applies child modules in order; children are named "0", "1", ... like `nn.Sequential`.
public final class Sequential: Module {
    public let layers: [Module]
    public var isTraining = true

    public init(_ layers: [Module]) { self.layers = layers }

    public var children: [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public func callAsFunction(_ x: Variable) -> Variable { apply(x, layers: layers.count) }

    /// The first `count` layers applied to x. A batch norm, or a convolution without bias,
    /// followed by a (leaky) ReLU runs as one fused op with the same values and gradients: its
    /// output is not written to memory and read back by a separate pass.
    public func apply(_ x: Variable, layers count: Int) -> Variable {
        var out = x
        var index = 0
        while index < count {
            let rectifier = index + 1 < count ? layers[index + 1] as? Rectifier : nil
            if let norm = layers[index] as? BatchNorm2d, let rectifier {
                out = norm.normalize(out, rectifierSlope: rectifier.slope)
                index += 2
            } else if let conv = layers[index] as? Conv2d, conv.bias == nil, let rectifier, rectifier.slope >= 0 {
                out = conv.convolveAndRectify(out, slope: rectifier.slope)
                index += 2
            } else {
                out = layers[index](out)
                index += 1
            }
        }
        return out
    }
}
