"""Benchmark (issue 18): cutting the field font to the glyphs a dossier draws, and reading
its character map and widths, against fontTools doing the same in the same run.

``subset.keep_glyphs`` keeps glyph ids (as fontTools' ``retain_gids``); both are given the
characters of a dossier's authored pages.  Run on demand:
    python tests/benchmarks/bench_subset.py
"""
from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TEXT = ("青海省中小企业公共服务示范平台申报材料目录单位名称所在市州日期年月日第页共正本副本缺此页为占位页草稿装订"
        "本单位郑重声明本次申报所提交的全部材料包括申请推荐表申请报告及各项证明材料均真实准确完整不存在虚假记载"
        "误导性陈述或重大遗漏如有不实愿意承担由此产生的一切责任法定代表人签字盖章西宁市高原科技服务有限公司"
        "营业执照复印件上一年度服务收支情况的专项审计报告服务平台组织架构及发展规划0123456789（）：、")
RUNS = 7


def median(f) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    from toolkit.pdfform import fonts as F
    from toolkit.pdfform.subset import keep_glyphs, metrics
    data = F.fonts().field.read_bytes()
    cmap = metrics(data)[0]
    gids = {cmap[ord(c)] for c in TEXT if ord(c) in cmap}

    def ours_cut():
        keep_glyphs(data, gids)

    def theirs_cut():
        font = TTFont(io.BytesIO(data))
        opts = ft_subset.Options()
        opts.retain_gids, opts.notdef_outline, opts.layout_features, opts.name_IDs = True, True, [], ["*"]
        sub = ft_subset.Subsetter(opts)
        sub.populate(unicodes={ord(c) for c in TEXT})
        sub.subset(font)
        font.save(io.BytesIO())

    def ours_metrics():
        metrics.__wrapped__(data)

    def theirs_metrics():
        font = TTFont(io.BytesIO(data), lazy=True)
        font.getBestCmap()
        font["hmtx"].metrics

    a, b = median(ours_cut), median(theirs_cut)
    print(f"cut the field font ({len(data) / 1e6:.1f} MB, {len(gids)} glyphs kept): ours {a * 1000:.1f} ms, "
          f"fontTools retain_gids {b * 1000:.0f} ms; ours / fontTools = {a / b:.3f} "
          f"(output {len(keep_glyphs(data, gids)) / 1e3:.0f} KB)")
    c, d = median(ours_metrics), median(theirs_metrics)
    print(f"character map and widths: ours {c * 1000:.1f} ms, fontTools {d * 1000:.0f} ms; ratio {c / d:.3f}")


if __name__ == "__main__":
    main()
