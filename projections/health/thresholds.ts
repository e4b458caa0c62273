/** Default thresholds; docs/health.md says why each is where it is. */
export const HEALTH_THRESHOLDS = {
  topicDiversity: { watch: 0.5, warning: 0.2 },
  topicFixation: { watch: 1, warning: 2 },
  convergences: { watch: 1, warning: null, minFindings: 10 },
  multiRoleSyntheses: { watch: 1, warning: null, minFindings: 10 },
  coordinationPerFinding: { watch: 4, warning: 8, minEvents: 10 },
  messagesPerFinding: { watch: 3, warning: 6, minMessages: 10 },
  permissionAsking: { watch: 1, warning: 3 },
  agreementWithoutDiscussion: { watch: 0.8, warning: 0.95, minAgreements: 4 },
} as const;
