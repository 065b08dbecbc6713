import ArgumentParser
import Pincel

extension TransferCommand {
    func checkMemory() throws {}
}
