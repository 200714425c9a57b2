// Shared UI primitives for every page of the staff app (inbox, broadcasts, channels, team).
export { Button, type ButtonProps, type ButtonVariant } from "./Button";
export { Dialog, ConfirmDialog, type DialogProps, type ConfirmDialogProps } from "./Dialog";
export { ProgressBar, type ProgressBarProps, type ProgressSegment } from "./ProgressBar";
export { Chart, type ChartProps, type ChartSeries } from "./Chart";
export { TextField, TextArea, SelectField, StatusMessage } from "./Field";
export { errorText } from "./errors";
export * from "./format";
export { formatPhone } from "./phone";
export { useAction, type Action } from "./useAction";
export { usePopover } from "./usePopover";
