import { HEALTH_THRESHOLDS } from '../thresholds.js';
import type { Signal } from '../window.js';

/** Messages to a coordinator that ask permission instead of deciding. */
export const permissionAsking: Signal = ({ messages }) => {
  const permission = messages.filter((m) => m.permission);
  return {
    name: 'permission-asking',
    value: permission.length,
    unit: 'messages asking a coordinator for permission',
    better: 'lower',
    threshold: HEALTH_THRESHOLDS.permissionAsking,
    explanation: permission.length ? `${permission.length} message(s) to a coordinator ask permission instead of deciding` : 'no message asks a coordinator for permission',
    evidence: permission,
  };
};
