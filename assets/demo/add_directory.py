#!/usr/bin/env python3
"""Adds coordination contacts, coordinates, acceptance requirements and capacity reports to the
demo hospitals in kanagawa-demo.json (deterministic: the same file comes out every run).

Run from the repository root: python3 assets/demo/add_directory.py
Everything here is fictional: numbers are in the 0xx-555 style ranges nobody dials by mistake.
"""
import json
import random

PATH = "assets/demo/kanagawa-demo.json"
CENTRES = {  # rough centres by the first four digits of the municipality code
    "1410": (35.45, 139.62), "1413": (35.55, 139.66), "1415": (35.57, 139.37), "1420": (35.30, 139.55),
}
DEPARTMENTS = ["地域医療連携室", "患者支援センター", "医療福祉相談室", "入退院支援室"]
PEOPLE = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]

def main():
    data = json.load(open(PATH, encoding="utf-8"))
    rng = random.Random(20261121)
    for n, h in enumerate(data["hospitals"]):
        lat, lon = CENTRES.get(h["municipality"][:4], (35.40, 139.35))
        h["latitude"] = round(lat + rng.uniform(-0.06, 0.06), 5)
        h["longitude"] = round(lon + rng.uniform(-0.08, 0.08), 5)
        area = "045" if h["municipality"].startswith("1410") else rng.choice(["044", "042", "046", "0463", "0465"])
        local = f"{rng.randint(100, 999)}" if len(area) == 3 else f"{rng.randint(10, 99)}"
        phone = f"{area}-{local}-{rng.randint(1000, 9999)}"
        contact = {
            "department": rng.choice(DEPARTMENTS),
            "person": rng.choice(PEOPLE),
            "phone": phone if n % 4 else phone.translate(str.maketrans("0123456789-", "０１２３４５６７８９ー")),
            "fax": f"{area}-{local}-{rng.randint(1000, 9999)}",
            "email": f"renkei{n:02d}@example.jp",
            "hours_weekday": "8:30〜17:00",
            "hours_night": "" if n % 3 else "当直医師 17:00〜翌8:30",
            "hours_holiday": "" if n % 2 else "9:00〜12:00",
            "note": "",
        }
        h["contacts"] = [contact]
        if n % 5 == 0:
            h["contacts"].append({
                "department": "夜間・休日", "person": "当直看護師長", "phone": f"{area}-{local}-{rng.randint(1000, 9999)}",
                "fax": "", "email": "", "hours_weekday": "", "hours_night": "17:00〜翌8:30",
                "hours_holiday": "終日", "note": "急ぎの受入可否のみ",
            })
        if not h["receiving"]:
            continue
        req = {
            "oxygen_max_l_per_min": rng.choice([None, 2.0, 3.0, 5.0]),
            "dialysis_hd": n % 7 == 0, "dialysis_pd": n % 11 == 0,
            "tube_feeding_ng": n % 2 == 0, "tube_feeding_peg": n % 3 != 0,
            "tracheostomy": n % 4 == 0,
            "suctioning": rng.choice(["none", "occasional", "occasional", "frequent"]),
            "iv_line": rng.choice(["none", "peripheral", "peripheral", "central"]),
            "dementia_bpsd": n % 3 == 0, "psychiatric": n % 9 == 0,
            "isolation_mrsa": n % 2 == 1, "isolation_other": False,
            "adl_independent": True, "adl_partial_assist": True, "adl_full_assist": n % 6 != 5,
            "age_min": 18 if n % 8 == 0 else None, "age_max": None, "bariatric": n % 10 == 0,
            "covid_min_days_since_onset": None, "covid_min_days_since_criteria_met": None,
            "covid_negative_tests_required": 0, "notes": "",
        }
        if n % 9 == 4:  # a few hospitals with their own rules, as in the 2022 waves
            req["covid_negative_tests_required"] = rng.choice([1, 2])
            req["notes"] = "PCR陰性確認後の受入（院内規定）"
        if n % 13 == 6:
            req["covid_min_days_since_onset"] = 14
        h["requirements"] = req
        beds = ["general", "community_care", "recovery_rehab", "long_term"]
        h["capacity"] = []
        for bed in rng.sample(beds, rng.randint(1, 3)):
            base = rng.choice([30, 40, 44, 50, 60])
            h["capacity"].append({
                "bed_type": bed, "available": rng.choice([0, 0, 1, 2, 3, 5]), "baseline": base,
                "expected_24h": rng.choice([None, 1, 2]), "expected_72h": rng.choice([None, 2, 4]),
                "reported_minutes_ago": rng.choice([35, 90, 180, 400, 900, 2000, 4300]),
                "reported_by": contact["person"],
            })
    with open(PATH, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")

main()
