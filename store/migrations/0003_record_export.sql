-- A patient's whole record, for its export: every stored resource of the
-- patient's compartment.
CREATE INDEX fhir_resource_patient ON fhir_resource (org_id, patient_id, resource_type, id);
