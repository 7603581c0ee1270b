"""qhsme: forms, parsing, checks and dossiers for the Qinghai SME public service
demonstration platform procedure (青海省中小企业公共服务示范平台认定管理办法)."""
__version__ = "0.1.0"

import warnings as _warnings

# Every PDF is set in the fonts bundled with the toolkit, loaded by @font-face; a machine
# with no system font at all is expected, so WeasyPrint's "Expect ugly output" is wrong here.
_warnings.filterwarnings("ignore", message="No fonts configured in FontConfig", category=UserWarning)
