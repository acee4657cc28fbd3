-- 0020: call-backs coming due (issue 28). The app asks every few seconds which waiting answers have
-- reached their call-back time; this index answers from the waiting ones alone, whatever the size of
-- the desk's history.
CREATE INDEX inquiries_call_back_due ON inquiries (call_back_at)
    WHERE outcome = 'waiting' AND call_back_at IS NOT NULL;
