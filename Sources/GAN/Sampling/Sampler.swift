import Foundation
import Formats
import NeuralNet
import Tensor

/// Generating images from a trained generator, in evaluation mode (running batch-norm
/// statistics, no dropout) and without recording gradients.
public enum Sampler {
    /// Images [N, 1, S, S] in [−1, 1] for latent vectors [N, nz, 1, 1], in batches.
    public static func generate(_ generator: Generator, noise: Tensor, batchSize: Int = 256) -> Tensor {
        let wasTraining = generator.isTraining
        generator.setTraining(false)
        defer { generator.setTraining(wasTraining) }
        let n = noise.shape[0], nz = noise.count / max(n, 1)
        let side = generator.spec.imageSize
        let out = Tensor(uninitialized: [n, 1, side, side])
        GradMode.withoutGradients {
            var start = 0
            while start < n {
                let k = min(batchSize, n - start)
                let z = Tensor(uninitialized: [k, nz, 1, 1])
                z.data.update(from: noise.data + start * nz, count: k * nz)
                let images = generator(Variable(z)).value
                (out.data + start * side * side).update(from: images.data, count: images.count)
                start += k
            }
        }
        return out
    }

    /// N latent vectors N(0, 1) from `stream`.
    public static func noise(count: Int, nz: Int, stream: inout RandomStream) -> Tensor {
        let z = Tensor(uninitialized: [count, nz, 1, 1])
        stream.fillNormal(z.buffer)
        return z
    }

    /// Writes images [N, 1, S, S] as an 8-column grid PNG, as torchvision's
    /// `save_image(make_grid(x, padding=2, normalize=True))` would.
    public static func writeGrid(_ images: Tensor, to url: URL, columns: Int = 8) throws {
        let grid = ImageGrid.make(images.values, count: images.shape[0], channels: images.shape[1],
                                  height: images.shape[2], width: images.shape[3], nrow: columns)
        try PNGEncoder.write(grid, to: url)
    }
}
