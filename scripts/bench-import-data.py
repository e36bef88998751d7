#!/usr/bin/env python3
"""Writes the files of the import benchmark (scripts/bench-import.sh): households.csv and
residents.csv for N residents in the given grids, as Excel on Chinese Windows saves them
(GBK, no BOM, CRLF), with valid 18-digit ID numbers (GB 11643 check digit), mobile phones,
household numbers and tags. Deterministic for a given N and grid list.

    bench-import-data.py --residents 1200000 --grids 110199001001001,110199001001002 --out DIR
"""
import argparse
import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏文斌宁新春晓雪梅林峰海波云飞鑫浩宇欣怡子涵梓轩一诺思雨佳琪博文"
RELATIONS = ["户主", "配偶", "子女", "父母", "兄弟姐妹", "其他"]
WEIGHTS = [30, 24, 30, 10, 3, 3]
TAGS = ["", "", "", "", "", "60岁以上老人", "退休人员", "退役军人", "60岁以上老人、退休人员"]
FACTORS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_number(rng, n):
    area = "110199"
    year = 1935 + rng.randrange(85)
    birth = f"{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    body = f"{area}{birth}{n % 1000:03d}"
    return body + CHECK[sum(int(d) * f for d, f in zip(body, FACTORS)) % 11]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, required=True)
    ap.add_argument("--grids", required=True, help="comma-separated grid codes")
    ap.add_argument("--out", required=True)
    ap.add_argument("--encoding", default="gbk")
    args = ap.parse_args()
    rng = random.Random(11)
    grids = args.grids.split(",")
    households = max(1, args.residents * 2 // 5)
    seen = set()
    with open(f"{args.out}/households.csv", "w", encoding=args.encoding, newline="") as h:
        h.write("户号,地址,网格编码\r\n")
        for i in range(households):
            grid = grids[i % len(grids)]
            h.write(f"9{grid[-6:]}{i:012d},测试小区{i // 400 + 1}号楼{i % 400 + 1}室,{grid}\r\n")
    with open(f"{args.out}/residents.csv", "w", encoding=args.encoding, newline="") as r:
        r.write("姓名,身份证号,联系电话,户号,与户主关系,居住类型,标签\r\n")
        for n in range(args.residents):
            ident = id_number(rng, n)
            while ident in seen:
                ident = id_number(rng, rng.randrange(1000))
            seen.add(ident)
            i = n * households // args.residents
            grid = grids[i % len(grids)]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
            relation = rng.choices(RELATIONS, WEIGHTS)[0]
            residence = "户籍" if rng.random() < 0.8 else "流动"
            r.write(f"{name},{ident},{phone},9{grid[-6:]}{i:012d},{relation},{residence},{rng.choice(TAGS)}\r\n")


if __name__ == "__main__":
    main()
