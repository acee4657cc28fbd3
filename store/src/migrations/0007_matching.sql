-- 0007: what the matching engine needs from the store.

-- When a decline for a reason stops ruling a hospital out for the same request (region pack
-- `decline_reasons[].lapses`): 'never', 'on_free_beds' or 'at_once'. Desks set up before this keep
-- every decline holding, the cautious reading, until their pack says otherwise.
ALTER TABLE vocabulary ADD COLUMN lapses TEXT NOT NULL DEFAULT 'never'
    CHECK (lapses IN ('never', 'on_free_beds', 'at_once'));

-- The inquiry history by hospital feeds acceptance rates and answer speeds.
CREATE INDEX inquiries_hospital ON inquiries (hospital_id, asked_at);
