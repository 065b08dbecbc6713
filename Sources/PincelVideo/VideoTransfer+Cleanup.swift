import Pincel
import PincelCore
import PincelImaging
import Foundation

/// What a video transfer leaves in its work folder.
extension VideoPipeline {
    /// After the video is written: Pincel's files are removed (and the folder when Pincel
    /// created it and nothing else is left), unless ``VideoOptions/keepWorkFolder``.
    func cleanUpAfterSuccess(work: VideoWorkFolder) {
        if !request.options.keepWorkFolder { work.removeOwnFiles() }
    }

    /// After a run failed with `error`: one that finished no frame leaves nothing behind (what
    /// it wrote is of no use to a rerun); finished frames are kept (a rerun continues after
    /// them), and so is everything after a cancellation.
    func cleanUp(afterFailure error: any Error, work: VideoWorkFolder, stop: StopSignal) {
        if !(error is CancellationError) && !stop.isRaised && !request.options.keepWorkFolder && work.finishedPrefix(count: 1) == 0 {
            work.removeOwnFiles()
        }
    }
}
