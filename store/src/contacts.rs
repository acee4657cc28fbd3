//! The hospital_contacts table: a hospital's coordination contacts, in its order.

use std::collections::HashMap;

use crate::Db;
use rusqlite::named_params;

use crate::ids::new_id;
use tenin_domain::contact::{Contact, ContactInput};

/// Contacts by hospital id: of one hospital, or of all when `hospital_id` is `None`.
pub fn of_hospitals(conn: Db<'_>, hospital_id: Option<&str>) -> crate::Result<HashMap<String, Vec<Contact>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hospital_id, department, person, phone, fax, email, hours_weekday, hours_night, hours_holiday,
                note, phone_digits, fax_digits
         FROM hospital_contacts WHERE (:id IS NULL OR hospital_id = :id) ORDER BY hospital_id, position",
    )?;
    let rows = stmt.query_map(named_params! {":id": hospital_id}, |row| {
        let contact = Contact {
            input: ContactInput {
                department: row.get(1)?,
                person: row.get(2)?,
                phone: row.get(3)?,
                fax: row.get(4)?,
                email: row.get(5)?,
                hours_weekday: row.get(6)?,
                hours_night: row.get(7)?,
                hours_holiday: row.get(8)?,
                note: row.get(9)?,
            },
            phone_digits: row.get(10)?,
            fax_digits: row.get(11)?,
        };
        Ok((row.get::<_, String>(0)?, contact))
    })?;
    let mut by_hospital: HashMap<String, Vec<Contact>> = HashMap::new();
    for row in rows {
        let (hospital_id, contact) = row?;
        by_hospital.entry(hospital_id).or_default().push(contact);
    }
    Ok(by_hospital)
}

/// Replaces a hospital's contacts with `contacts` (the caller audits the hospital as a whole).
pub fn replace(conn: Db<'_>, hospital_id: &str, contacts: &[Contact]) -> crate::Result<()> {
    conn.execute("DELETE FROM hospital_contacts WHERE hospital_id = ?1", [hospital_id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO hospital_contacts (id, hospital_id, position, department, person, phone, phone_digits, fax,
                                        fax_digits, email, hours_weekday, hours_night, hours_holiday, note)
         VALUES (:id, :hospital_id, :position, :department, :person, :phone, :phone_digits, :fax, :fax_digits,
                 :email, :hours_weekday, :hours_night, :hours_holiday, :note)",
    )?;
    for (position, contact) in contacts.iter().enumerate() {
        let c = &contact.input;
        stmt.execute(named_params! {
            ":id": new_id(),
            ":hospital_id": hospital_id,
            ":position": position as i64,
            ":department": c.department,
            ":person": c.person,
            ":phone": c.phone,
            ":phone_digits": contact.phone_digits,
            ":fax": c.fax,
            ":fax_digits": contact.fax_digits,
            ":email": c.email,
            ":hours_weekday": c.hours_weekday,
            ":hours_night": c.hours_night,
            ":hours_holiday": c.hours_holiday,
            ":note": c.note,
        })?;
    }
    Ok(())
}
