"""qhsme: forms, parsing, checks and dossiers for the Qinghai SME public service
demonstration platform procedure (青海省中小企业公共服务示范平台认定管理办法)."""
__version__ = "0.1.0"
