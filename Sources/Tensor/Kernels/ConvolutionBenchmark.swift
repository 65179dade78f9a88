import Foundation

/// Time and GFLOP/s of the three convolution kernels on each layer of the 64x64 and 28x28 DCGANs, to see
/// where a training step's convolution time goes.
public enum ConvolutionBenchmark {
    public struct Layer: Sendable {
        public let name: String
        public let geometry: ConvGeometry
    }

    /// The discriminator's convolutions (ndf = 32); the generator's transposed convolutions
    /// (ngf = 32) are the same geometries with the roles of the kernels swapped (its forward
    /// pass is `inputGradient`), except its first layer, listed as well. Then the 28×28 models
    /// at the PyTorch peer's widths (D 64, 128; G 256, 128 channels), whose generator layers
    /// differ from the discriminator's and are listed by the convolution they transpose.
    public static func layers(batch: Int) -> [Layer] {
        func conv(_ name: String, _ cin: Int, _ cout: Int, _ size: Int, kernel: Int = 4, stride: Int,
                  pad: Int) -> Layer {
            let out = ConvGeometry.convolutionOutput(size, kernel: kernel, stride: stride, padding: pad)
            return Layer(name: name, geometry: ConvGeometry(
                batch: batch, inChannels: cin, outChannels: cout, inHeight: size, inWidth: size,
                outHeight: out, outWidth: out, kernel: (kernel, kernel), stride: (stride, stride),
                padding: (pad, pad)))
        }
        return [
            conv("1→32 64²", 1, 32, 64, stride: 2, pad: 1),
            conv("32→64 32²", 32, 64, 32, stride: 2, pad: 1),
            conv("64→128 16²", 64, 128, 16, stride: 2, pad: 1),
            conv("128→256 8²", 128, 256, 8, stride: 2, pad: 1),
            conv("256→1 4²", 256, 1, 4, stride: 1, pad: 0),
            conv("G 256→100 4²", 256, 100, 4, stride: 1, pad: 0),
            conv("28: 1→64 28²", 1, 64, 28, stride: 2, pad: 1),
            conv("28: 64→128 14²", 64, 128, 14, stride: 2, pad: 1),
            conv("28: 128→1 7²", 128, 1, 7, kernel: 7, stride: 1, pad: 0),
            conv("28: G 1→128 28²", 1, 128, 28, stride: 2, pad: 1),
            conv("28: G 128→256 14²", 128, 256, 14, stride: 2, pad: 1),
            conv("28: G 256→100 7²", 256, 100, 7, kernel: 7, stride: 1, pad: 0),
        ]
    }

    /// Median milliseconds of forward, input gradient and weight gradient of `layer`.
    public static func milliseconds(_ layer: Layer, repetitions: Int) -> [Double] {
        let g = layer.geometry
        let x = Tensor(shape: g.xShape, value: 0.5), w = Tensor(shape: g.weightShape, value: 0.01)
        let y = Tensor(shape: g.yShape, value: 0.25)
        let kernels: [() -> Void] = [
            { ConvolutionKernels.forward(g, x: x.data, weight: w.data, y: y.data) },
            { ConvolutionKernels.inputGradient(g, dy: y.data, weight: w.data, dx: x.data) },
            { ConvolutionKernels.weightGradient(g, x: x.data, dy: y.data, dw: w.data) },
        ]
        return kernels.map { kernel in
            kernel()
            var times: [Double] = []
            for _ in 0..<repetitions {
                let start = DispatchTime.now().uptimeNanoseconds
                kernel()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return times.sorted()[times.count / 2]
        }
    }
}
