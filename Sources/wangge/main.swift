import Foundation
import WanggeWeb

// The executable only hands over to the web module: everything testable lives in libraries.
exit(await Wangge.main())
