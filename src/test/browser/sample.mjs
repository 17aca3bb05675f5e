// The demo's sample studies (io.dicomgate.demo.DemoStack.loadSampleData) as the study lists show them.
export const SAMPLE = {
  alice: ['CT CHEST W/O CONTRAST', 'XR CHEST PA'],
  aliceCt: 'CT CHEST W/O CONTRAST',
  bob: ['MR BRAIN'],
  bobMr: 'MR BRAIN',
  carol: ['CT ABDOMEN'],
  patientIdentifiers: ['PAT-ALICE-001', 'PAT-BOB-002', 'PAT-CAROL-003', 'LIDDELL', 'BUILDER', 'NOBODY'],
};
