#!/usr/bin/env python3
"""Adds the transport side to kanagawa-demo.json (deterministic: the same file comes out every run):
the providers' vehicles, escort, hours and contacts; for each request that was placed, the receiving
hospital that accepted it; and bookings for the requests arranging transport or transferred.

Run from the repository root: python3 assets/demo/add_transport.py
Everything here is fictional: phone numbers are in the 0xx-000 style ranges nobody dials by mistake.
"""
import json

PATH = "assets/demo/kanagawa-demo.json"
PROVIDERS = {
    "かもめ民間救急サービス": dict(operator="株式会社かもめ搬送", vehicle_types=["stretcher", "wheelchair"],
                                  escort=True, hours="24時間（要予約）", fax="045-000-1102", person="配車担当 木村",
                                  note="酸素・吸引器を搭載。看護師同乗可（別料金）。"),
    "湘南ふれあい福祉タクシー": dict(operator="湘南ふれあい交通有限会社", vehicle_types=["wheelchair", "seated"],
                                   escort=False, hours="7:00〜21:00", fax="", person="配車 山口",
                                   note="車いすのまま乗車可。"),
    "県西・県央タクシー協会配車センター": dict(operator="県西・県央タクシー協会", vehicle_types=["seated", "wheelchair"],
                                        escort=False, hours="24時間", fax="0465-00-3304", person="",
                                        note="協会加盟各社から配車。"),
}


def main():
    data = json.load(open(PATH, encoding="utf-8"))
    for p in data["transport_providers"]:
        p.update(PROVIDERS[p["name"]])
    receiving = sorted((h for h in data["hospitals"] if h.get("receiving")), key=lambda h: h["code"])
    for n, r in enumerate(data["requests"]):
        steps = [s["to"] for s in r["history"]]
        if "placed" not in steps:
            continue
        near = [h for h in receiving if h["code"] != r["referring_hospital"]
                and h["municipality"][:4] == r["residence"][:4]] or [h for h in receiving if h["code"] != r["referring_hospital"]]
        accepted = near[n % len(near)]
        for s in r["history"]:
            if s["to"] == "placed":
                s["accepted_by"] = accepted["code"]
        care = r.get("intake", {}).get("care", {})
        oxygen = care.get("oxygen_l_per_min", "")
        bedridden = care.get("adl") in ("full_assist", "unknown", None) or oxygen
        provider = "かもめ民間救急サービス" if bedridden else (
            "湘南ふれあい福祉タクシー" if care.get("adl") == "partial_assist" else "県西・県央タクシー協会配車センター")
        vehicle = "stretcher" if bedridden else ("wheelchair" if care.get("adl") == "partial_assist" else "seated")
        at = {s["to"]: s["minutes_after"] for s in r["history"]}
        if "transferred" in at:
            pickup = at["transferred"] - 60
            statuses = ["confirmed", "done"]
        elif "arranging_transport" in at:
            pickup = None  # upcoming: relative to loading, so the queue has pickups to show
            statuses = ["confirmed"] if n % 2 == 0 else []
        else:
            r.pop("bookings", None)
            continue
        booking = {
            "provider": provider,
            "vehicle_type": vehicle,
            "from_ward": r["intake"].get("referrer_ward", ""),
            "from_contact": r["intake"].get("referrer_person", ""),
            "to_ward": "2階西病棟",
            "to_contact": "病棟看護師長",
            "oxygen_l_per_min": oxygen,
            "escort": "看護師同乗" if oxygen else "",
            "public_funds": provider != "県西・県央タクシー協会配車センター",
            "cost_yen": "18000" if provider == "かもめ民間救急サービス" else "",
            "statuses": statuses,
        }
        if pickup is None:
            booking["pickup_minutes_from_now"] = 90 + 60 * (n % 3)
        else:
            booking["pickup_minutes_after"] = pickup
        r["bookings"] = [booking]
    with open(PATH, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
