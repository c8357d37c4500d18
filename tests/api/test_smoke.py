def test_flow(api, contest):
    contest.open_round()
    token, me = contest.register()
    r = api.post("/api/rounds/dot-1/attempts", token=token)
    assert r.status == 201, r.text
    attempt = r.body["attempt"]
    answers = {q["id"]: q["options"][0]["id"] for q in attempt["questions"]}
    r = api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": answers, "prediction": 3}, token=token)
    assert r.status == 200, r.text
    r = api.get("/api/me", token=token)
    assert r.status == 200, r.text
    print(r.body)
