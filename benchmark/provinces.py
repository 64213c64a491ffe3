"""China's 31 provincial-level divisions, for synthetic packages with every province in them.

Rows: region_id, name_en, name_zh, level, iso_3166_2, admin_code (GB/T 2260).
"""
from __future__ import annotations

PROVINCES = (
    ("beijing", "Beijing", "北京市", "municipality", "CN-BJ", "110000"),
    ("tianjin", "Tianjin", "天津市", "municipality", "CN-TJ", "120000"),
    ("hebei", "Hebei", "河北省", "province", "CN-HE", "130000"),
    ("shanxi", "Shanxi", "山西省", "province", "CN-SX", "140000"),
    ("inner-mongolia", "Inner Mongolia", "内蒙古自治区", "autonomous_region", "CN-NM", "150000"),
    ("liaoning", "Liaoning", "辽宁省", "province", "CN-LN", "210000"),
    ("jilin", "Jilin", "吉林省", "province", "CN-JL", "220000"),
    ("heilongjiang", "Heilongjiang", "黑龙江省", "province", "CN-HL", "230000"),
    ("shanghai", "Shanghai", "上海市", "municipality", "CN-SH", "310000"),
    ("jiangsu", "Jiangsu", "江苏省", "province", "CN-JS", "320000"),
    ("zhejiang", "Zhejiang", "浙江省", "province", "CN-ZJ", "330000"),
    ("anhui", "Anhui", "安徽省", "province", "CN-AH", "340000"),
    ("fujian", "Fujian", "福建省", "province", "CN-FJ", "350000"),
    ("jiangxi", "Jiangxi", "江西省", "province", "CN-JX", "360000"),
    ("shandong", "Shandong", "山东省", "province", "CN-SD", "370000"),
    ("henan", "Henan", "河南省", "province", "CN-HA", "410000"),
    ("hubei", "Hubei", "湖北省", "province", "CN-HB", "420000"),
    ("hunan", "Hunan", "湖南省", "province", "CN-HN", "430000"),
    ("guangdong", "Guangdong", "广东省", "province", "CN-GD", "440000"),
    ("guangxi", "Guangxi", "广西壮族自治区", "autonomous_region", "CN-GX", "450000"),
    ("hainan", "Hainan", "海南省", "province", "CN-HI", "460000"),
    ("chongqing", "Chongqing", "重庆市", "municipality", "CN-CQ", "500000"),
    ("sichuan", "Sichuan", "四川省", "province", "CN-SC", "510000"),
    ("guizhou", "Guizhou", "贵州省", "province", "CN-GZ", "520000"),
    ("yunnan", "Yunnan", "云南省", "province", "CN-YN", "530000"),
    ("tibet", "Tibet", "西藏自治区", "autonomous_region", "CN-XZ", "540000"),
    ("shaanxi", "Shaanxi", "陕西省", "province", "CN-SN", "610000"),
    ("gansu", "Gansu", "甘肃省", "province", "CN-GS", "620000"),
    ("qinghai", "Qinghai", "青海省", "province", "CN-QH", "630000"),
    ("ningxia", "Ningxia", "宁夏回族自治区", "autonomous_region", "CN-NX", "640000"),
    ("xinjiang", "Xinjiang", "新疆维吾尔自治区", "autonomous_region", "CN-XJ", "650000"),
)

# Syllables for the names of generated cities, each with a character for its Chinese name.
SYLLABLES = (
    ("An", "安"), ("Bai", "白"), ("Bao", "宝"), ("Chang", "昌"), ("Cheng", "城"), ("Da", "大"), ("De", "德"),
    ("Dong", "东"), ("Feng", "丰"), ("Fu", "福"), ("Gao", "高"), ("Guang", "光"), ("Hai", "海"), ("He", "和"),
    ("Hong", "红"), ("Hua", "华"), ("Jian", "建"), ("Jin", "金"), ("Jing", "景"), ("Kang", "康"), ("Lan", "兰"),
    ("Li", "丽"), ("Lin", "林"), ("Long", "龙"), ("Ming", "明"), ("Nan", "南"), ("Ning", "宁"), ("Ping", "平"),
    ("Qing", "青"), ("Rui", "瑞"), ("Shan", "山"), ("Shui", "水"), ("Tai", "泰"), ("Tian", "田"), ("Wen", "文"),
    ("Xi", "西"), ("Xin", "新"), ("Yang", "阳"), ("Yong", "永"), ("Yun", "云"), ("Ze", "泽"), ("Zhong", "中"),
)
