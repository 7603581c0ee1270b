"""Who counts as 大专及以上学历和中级及以上技术职称的专业人员 (toolkit.check.staff)."""
import pytest

from toolkit.check.staff import classify, is_college, is_mid_title


@pytest.mark.parametrize("education, expected", [
    ("大专", True), ("专科", True), ("高职", True), ("大学本科", True), ("本科", True),
    ("学士", True), ("硕士研究生", True), ("研究生", True), ("博士研究生", True), ("博士", True),
    ("专升本", True), ("Bachelor", True), ("MBA", True),
    ("中专", False), ("高中及以下", False), ("高中", False), ("初中", False), ("技校", False),
    ("", False), (None, False), ("本科肄业", False), ("中专、大专", True),
])
def test_college_or_above(education, expected):
    assert is_college(education) is expected


@pytest.mark.parametrize("certificate, expected", [
    ("中级经济师", True), ("高级工程师", True), ("工程师（中级）", True), ("工程师", True),
    ("中级会计师", True), ("会计师", True), ("注册会计师", True), ("副高级职称", True),
    ("正高级工程师", True), ("高级经济师", True), ("副教授", True), ("副研究员", True),
    ("讲师", True), ("主治医师", True),
    ("助理工程师", False), ("助理经济师", False), ("初级会计师", False), ("技术员", False),
    ("助理研究员", False), ("律师执业证", False), ("驾驶证", False), ("", False), (None, False),
])
def test_mid_level_title_or_above(certificate, expected):
    assert is_mid_title(certificate) is expected


@pytest.mark.parametrize("row, professional", [
    ({"education": "大学本科", "certificate": ""}, True),           # education alone
    ({"education": "中专", "certificate": "中级经济师"}, True),      # title alone
    ({"education": "中专", "certificate": "助理工程师"}, False),
    ({"education": "高中及以下", "certificate": "律师执业证"}, False),
    ({}, False),
])
def test_either_education_or_title_counts(row, professional):
    assert classify(row).professional is professional
